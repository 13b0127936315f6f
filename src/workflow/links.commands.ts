import { Command, Option } from 'commander';
import { getCaseDetail } from '../cases/cases.service.js';
import { action, printJson, withDatabaseFlags, withRuntime } from '../cli/cli-support.js';
import { appDeps } from '../main.js';
import type { Priority } from '../platform/db/schema.js';
import { priorities } from '../platform/http/schemas.js';
import { cliActor, collect, resolveActivityRef } from './cli-helpers.js';
import { mergeCase } from './merge-case.js';
import { splitCase } from './split-case.js';
import { workflowDeps } from './workflow-deps.js';

type Base = { dataDir?: string; json?: boolean; as?: string };

/** `casedesk split CASE --mail mail:9 --mail mail:10 --title "…"`. */
export function splitCommand(): Command {
  return withDatabaseFlags(
    new Command('split')
      .description('Open a new case from chosen mails of a case (copied; both cases linked)')
      .argument('<caseNumber>', 'the case to split')
      .option('--mail <mail>', 'a mail to copy: activity id or mail:N (repeatable)', collect)
      .requiredOption('--title <title>', 'title of the new case')
      .addOption(
        new Option('--priority <p>', 'priority of the new case; default the parent').choices(priorities),
      )
      .option('--as <engineer>', 'engineer splitting (owns the new case); default the case owner')
      .option('--json', 'print JSON'),
  ).action(
    action(
      async (caseNumber: string, opts: Base & { mail?: string[]; title: string; priority?: Priority }) => {
        await withRuntime(opts, async (runtime) => {
          const deps = workflowDeps(appDeps(runtime));
          const actor = await cliActor(deps.db, opts.as, caseNumber);
          const timeline = (await getCaseDetail(deps, caseNumber)).timeline;
          const result = await splitCase(deps, actor, caseNumber, {
            activityIds: (opts.mail ?? []).map((ref) => resolveActivityRef(timeline, ref)),
            title: opts.title,
            ...(opts.priority ? { priority: opts.priority } : {}),
          });
          if (opts.json) return printJson(result);
          process.stdout.write(`split ${result.child} off ${result.parent} with ${result.copied} mail(s)\n`);
        });
      },
    ),
  );
}

/** `casedesk merge CASE --into SURVIVOR`. */
export function mergeCommand(): Command {
  return withDatabaseFlags(
    new Command('merge')
      .description('Merge a case into another; its timeline moves there and its number and token lead there')
      .argument('<caseNumber>', 'the duplicate')
      .requiredOption('--into <caseNumber>', 'the case that survives')
      .option('--note <text>', 'why (shown on both timelines)')
      .option('--as <engineer>', 'engineer merging; default the owner of the duplicate')
      .option('--json', 'print JSON'),
  ).action(
    action(async (caseNumber: string, opts: Base & { into: string; note?: string }) => {
      await withRuntime(opts, async (runtime) => {
        const deps = workflowDeps(appDeps(runtime));
        const actor = await cliActor(deps.db, opts.as, caseNumber);
        const result = await mergeCase(deps, actor, caseNumber, {
          into: opts.into,
          ...(opts.note ? { note: opts.note } : {}),
        });
        if (opts.json) return printJson(result);
        process.stdout.write(
          `merged ${result.merged} into ${result.into} (${result.moved} timeline entries moved)\n`,
        );
      });
    }),
  );
}
