import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { action, printJson, withDatabaseFlags, withRuntime } from '../../cli/cli-support.js';
import { appDeps } from '../../main.js';
import { importMail } from './import-mail.js';
import { type InboundItem, listInbound } from './inbound.repo.js';
import { inboundDeps } from './inbound-deps.js';
import { dismissInboundMessage, fileInboundMessage } from './review.service.js';

/** `casedesk import-mail PATH…` */
export function importMailCommand(): Command {
  return withDatabaseFlags(
    new Command('import-mail')
      .description('Import .eml files, directories (recursively) and mbox files through the inbound pipeline')
      .argument('<paths...>', '.eml / .mbox files or directories')
      .option('--json', 'print the summary as JSON'),
  ).action(
    action(async (paths: string[], opts: { dataDir?: string; json?: boolean }) => {
      await withRuntime(opts, async (runtime) => {
        const showBar = !opts.json && process.stderr.isTTY;
        const bar = new cliProgress.SingleBar(
          {
            format: 'import-mail [{bar}] {value}/{total} messages  {eta_formatted} left',
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
        if (showBar) bar.start(0, 0);
        const summary = await importMail(inboundDeps(appDeps(runtime)), paths, {
          onFound: (total) => showBar && bar.setTotal(total),
          onDone: (done) => showBar && bar.update(done),
        }).finally(() => showBar && bar.stop());
        if (opts.json) return printJson(summary);
        const lines = [
          `${summary.messages} messages in ${summary.files} files`,
          `  stored:            ${summary.stored}`,
          `    new cases:       ${summary.newCases}`,
          `    threaded:        ${summary.threaded}  (onto existing cases)`,
          `    review:          ${summary.review}  (named another account's case: casedesk mail review)`,
          `    needs attention: ${summary.needsAttention}  (casedesk mail attention)`,
          `  duplicates:        ${summary.duplicates}  (already stored; nothing changed)`,
          ...summary.failedFiles.map((f) => `  unreadable file: ${f.path}: ${f.error}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
        if (summary.failedFiles.length > 0) process.exitCode = 1;
      });
    }),
  );
}

function printItems(items: InboundItem[], json: boolean | undefined, empty: string): void {
  if (json) {
    printJson(items);
    return;
  }
  if (items.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  for (const i of items) {
    process.stdout.write(
      `${i.id}  ${i.receivedAt}  ${i.from ?? '(no sender)'}  ${i.subject || '(no subject)'}\n` +
        `    ${i.namedCase ? `named ${i.namedCase}: ` : ''}${i.reason ?? ''}\n`,
    );
  }
}

/** `casedesk mail …`: the needs-attention list and the review queue. */
export function mailCommand(): Command {
  const mail = new Command('mail').description(
    'Inbound mail that needs a person: attention list and review queue',
  );
  const page = (c: Command) =>
    withDatabaseFlags(c.option('--limit <n>', 'how many', '100').option('--json', 'print JSON'));
  mail.addCommand(
    page(
      new Command('attention').description(
        'Messages stored raw that could not be filed (unreadable, no sender, …)',
      ),
    ).action(
      action(async (opts: { dataDir?: string; limit: string; json?: boolean }) => {
        await withRuntime(opts, async (runtime) => {
          const items = await listInbound(runtime.database.db, 'needs_attention', {
            limit: Number(opts.limit) || 100,
            offset: 0,
          });
          printItems(items, opts.json, 'Nothing needs attention.');
        });
      }),
    ),
  );
  mail.addCommand(
    page(
      new Command('review').description('Messages that named a case of another account, held for review'),
    ).action(
      action(async (opts: { dataDir?: string; limit: string; json?: boolean }) => {
        await withRuntime(opts, async (runtime) => {
          const items = await listInbound(runtime.database.db, 'review', {
            limit: Number(opts.limit) || 100,
            offset: 0,
          });
          printItems(items, opts.json, 'The review queue is empty.');
        });
      }),
    ),
  );
  mail.addCommand(
    withDatabaseFlags(
      new Command('attach')
        .description('File a held message onto a case (its sender becomes a participant)')
        .argument('<id>', 'message id from `mail review` or `mail attention`')
        .argument('<case>', 'case number')
        .option('--json', 'print JSON'),
    ).action(
      action(async (id: string, caseNumber: string, opts: { dataDir?: string; json?: boolean }) => {
        await withRuntime(opts, async (runtime) => {
          const outcome = await fileInboundMessage(inboundDeps(appDeps(runtime)), null, id, { caseNumber });
          if (opts.json) return printJson(outcome);
          process.stdout.write(`attached to ${outcome.caseNumber}\n`);
        });
      }),
    ),
  );
  mail.addCommand(
    withDatabaseFlags(
      new Command('open-case')
        .description('Open a new case from a held message')
        .argument('<id>', 'message id')
        .option('--json', 'print JSON'),
    ).action(
      action(async (id: string, opts: { dataDir?: string; json?: boolean }) => {
        await withRuntime(opts, async (runtime) => {
          const outcome = await fileInboundMessage(inboundDeps(appDeps(runtime)), null, id, 'new_case');
          if (opts.json) return printJson(outcome);
          process.stdout.write(`opened ${outcome.caseNumber}\n`);
        });
      }),
    ),
  );
  mail.addCommand(
    withDatabaseFlags(
      new Command('dismiss')
        .description('Take a held message off the lists without filing it (its raw bytes stay stored)')
        .argument('<id>', 'message id')
        .option('--note <text>', 'why'),
    ).action(
      action(async (id: string, opts: { dataDir?: string; note?: string }) => {
        await withRuntime(opts, async (runtime) => {
          await dismissInboundMessage(inboundDeps(appDeps(runtime)), null, id, opts.note);
          process.stdout.write('dismissed\n');
        });
      }),
    ),
  );
  return mail;
}
