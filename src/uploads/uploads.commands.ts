import { Command } from 'commander';
import { getEngineer } from '../auth/engineers.repo.js';
import { engineerActor } from '../cases/cases.service.js';
import type { Actor } from '../cases/timeline.repo.js';
import { action, printJson, withDatabaseFlags, withRuntime } from '../cli/cli-support.js';
import { appDeps, type Runtime } from '../main.js';
import { invalid } from '../platform/errors.js';
import { listWorkspaces, openWorkspace, revokeWorkspace, type WorkspaceView } from './workspaces.service.js';

type Flags = { dataDir?: string; json?: boolean; engineer?: string };

async function actorFor(runtime: Runtime, name: string | undefined): Promise<Actor> {
  if (!name) return { type: 'system', id: null, name: 'CaseDesk CLI' };
  return engineerActor(await getEngineer(runtime.database.db, name));
}

const line = (w: WorkspaceView) =>
  `${w.user.padEnd(12)} ${w.state.padEnd(8)} expires ${w.expiresAt.slice(0, 10)}  ${w.uploadUrl}`;

/** `casedesk workspace open|list|revoke`: per-case upload workspaces for customers. */
export function workspaceCommand(): Command {
  const cmd = new Command('workspace').description(
    'Upload workspaces: credentials customers use to upload logs',
  );
  cmd.addCommand(
    withDatabaseFlags(new Command('open'))
      .description('Open an upload workspace on a case; prints the password once')
      .argument('<case>', 'case number, e.g. CAS-04814-C9T9D0')
      .option('--days <n>', 'days until it expires (default CASEDESK_UPLOAD_WORKSPACE_DAYS, 30)')
      .option('--engineer <name>', 'engineer opening it (shown on the timeline)')
      .option('--json', 'print {user, password, uploadUrl, expiresAt, …} as JSON')
      .action(
        action(async (caseNumber: string, opts: Flags & { days?: string }) => {
          const days = opts.days === undefined ? undefined : Number(opts.days);
          if (days !== undefined && !Number.isInteger(days))
            throw invalid('cli.bad_days', '--days must be a whole number');
          await withRuntime(opts, async (runtime) => {
            const opened = await openWorkspace(
              appDeps(runtime),
              await actorFor(runtime, opts.engineer),
              caseNumber,
              days === undefined ? {} : { days },
            );
            if (opts.json) return printJson(opened);
            process.stdout.write(
              `Upload workspace for ${opened.caseNumber}\n` +
                `  page:     ${opened.uploadUrl}\n  user:     ${opened.user}\n  password: ${opened.password}\n` +
                `  expires:  ${opened.expiresAt}\n(the password is shown only now)\n`,
            );
          });
        }),
      ),
  );
  cmd.addCommand(
    withDatabaseFlags(new Command('list'))
      .description("A case's upload workspaces")
      .argument('<case>', 'case number')
      .option('--json', 'print JSON')
      .action(
        action(async (caseNumber: string, opts: Flags) => {
          await withRuntime(opts, async (runtime) => {
            const list = await listWorkspaces(appDeps(runtime), caseNumber);
            if (opts.json) return printJson(list);
            process.stdout.write(list.length ? `${list.map(line).join('\n')}\n` : 'no upload workspaces\n');
          });
        }),
      ),
  );
  cmd.addCommand(
    withDatabaseFlags(new Command('revoke'))
      .description('Revoke an upload workspace by its user name (its sign-ins end at once)')
      .argument('<user>', 'upload user name, e.g. ICBC001')
      .option('--engineer <name>', 'engineer revoking it (shown on the timeline)')
      .option('--json', 'print JSON')
      .action(
        action(async (user: string, opts: Flags) => {
          await withRuntime(opts, async (runtime) => {
            const view = await revokeWorkspace(
              appDeps(runtime),
              await actorFor(runtime, opts.engineer),
              user,
            );
            if (opts.json) return printJson(view);
            process.stdout.write(`${line(view)}\n`);
          });
        }),
      ),
  );
  return cmd;
}
