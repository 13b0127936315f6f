import { Command, InvalidArgumentError, Option } from 'commander';
import { getCaseDetail } from '../cases/cases.service.js';
import { action, printJson, withDatabaseFlags, withRuntime } from '../cli/cli-support.js';
import type {
  ClosureCondition,
  ClosureReason,
  ContactChannel,
  TemplateLocale,
} from '../kb/workflow.tables.js';
import { appDeps } from '../main.js';
import { invalid } from '../platform/errors.js';
import {
  cliActor,
  collect,
  parseAddresses,
  parseVars,
  readTextArg,
  resolveActivityRef,
} from './cli-helpers.js';
import { closeCase, draftClosureSummary } from './close-case.js';
import { reopenCase } from './reopen-case.js';
import type { CaseScope } from './scope.repo.js';
import { getScope, sendScopeAgreement, setScope } from './scope.service.js';
import { workflowDeps } from './workflow-deps.js';
import { closureConditions, closureReasons, contactChannels, locales } from './workflow-labels.js';

type Base = { dataDir?: string; json?: boolean; as?: string };

function csv<T extends string>(allowed: readonly T[]) {
  return (value: string): T[] => {
    const items = value.split(',').map((s) => s.trim());
    const bad = items.filter((s) => !allowed.includes(s as T));
    if (bad.length) throw new InvalidArgumentError(`unknown ${bad.join(', ')} (use ${allowed.join(', ')})`);
    return items as T[];
  };
}

function printScope(caseNumber: string, s: CaseScope): void {
  process.stdout.write(
    [
      `scope of ${caseNumber} (${s.locale}), by ${s.updatedBy ?? '-'} at ${s.updatedAt}`,
      `problem      ${s.problemDefinition}`,
      `scope        ${s.scope}`,
      `close when   ${s.closureConditions.join(', ')}`,
      `cadence      ${s.cadenceBusinessDays === null ? '-' : `every ${s.cadenceBusinessDays} business day(s)`}`,
      `contact      ${s.contactChannels.join(', ')}${s.hotline ? `; hotline ${s.hotline}` : ''}`,
      `sent         ${s.sentAt ?? 'not yet'}`,
      '',
    ].join('\n'),
  );
}

/** `casedesk scope show|set|send`. */
export function scopeCommand(): Command {
  const command = new Command('scope').description(
    'The scope agreed with the customer at the start of a case',
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('show')
        .description('Show the scope agreement')
        .argument('<caseNumber>')
        .option('--json', 'print JSON'),
    ).action(
      action(async (caseNumber: string, opts: Base) => {
        await withRuntime(opts, async (runtime) => {
          const scope = await getScope(workflowDeps(appDeps(runtime)), caseNumber);
          if (opts.json) return printJson(scope);
          printScope(caseNumber, scope);
        });
      }),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('set')
        .description('Record the scope; options left out keep their current value')
        .argument('<caseNumber>')
        .option('--problem <text>', 'problem definition')
        .option('--scope <text>', 'what support covers')
        .addOption(
          new Option(
            '--close-when <list>',
            `when the case may close: ${closureConditions.join(', ')}`,
          ).argParser(csv(closureConditions)),
        )
        .option('--cadence <days>', 'follow up every N business days ("none" for no promise)')
        .addOption(
          new Option('--channel <list>', `contact channels: ${contactChannels.join(', ')}`).argParser(
            csv(contactChannels),
          ),
        )
        .option('--hotline <number>', 'support hotline ("" for none)')
        .addOption(new Option('--locale <locale>', 'language of the agreement mail').choices(locales))
        .option('--as <engineer>', 'engineer recording it; default the case owner')
        .option('--json', 'print JSON'),
    ).action(
      action(
        async (
          caseNumber: string,
          opts: Base & {
            problem?: string;
            scope?: string;
            closeWhen?: ClosureCondition[];
            cadence?: string;
            channel?: ContactChannel[];
            hotline?: string;
            locale?: TemplateLocale;
          },
        ) => {
          let cadence: number | null | undefined;
          if (opts.cadence === 'none') cadence = null;
          else if (opts.cadence !== undefined) {
            cadence = Number(opts.cadence);
            if (!Number.isInteger(cadence) || cadence < 1 || cadence > 30) {
              throw invalid(
                'scope.bad_cadence',
                '--cadence is a whole number of business days from 1 to 30, or none',
              );
            }
          }
          await withRuntime(opts, async (runtime) => {
            const deps = workflowDeps(appDeps(runtime));
            const actor = await cliActor(deps.db, opts.as, caseNumber);
            const current = (await getCaseDetail(deps, caseNumber)).scope;
            const problem = opts.problem ?? current?.problemDefinition;
            const scopeText = opts.scope ?? current?.scope;
            if (!problem || !scopeText) {
              throw invalid('scope.empty', 'A new scope needs --problem and --scope');
            }
            const saved = await setScope(deps, actor, caseNumber, {
              problemDefinition: problem,
              scope: scopeText,
              closureConditions: opts.closeWhen ??
                current?.closureConditions ?? ['solved', 'by_design', 'third_party'],
              cadenceBusinessDays: cadence !== undefined ? cadence : (current?.cadenceBusinessDays ?? null),
              contactChannels: opts.channel ?? current?.contactChannels ?? ['email'],
              hotline: opts.hotline !== undefined ? opts.hotline || null : (current?.hotline ?? null),
              locale: opts.locale ?? current?.locale ?? 'zh-CN',
            });
            if (opts.json) return printJson(saved);
            printScope(caseNumber, saved);
          });
        },
      ),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('send')
        .description('Mail the scope agreement to the customer (scope_agreement template)')
        .argument('<caseNumber>')
        .option('--to <address>', "recipient (repeatable); default the case's customers", collect)
        .option('--cc <address>', 'copy recipient (repeatable)', collect)
        .addOption(new Option('--locale <locale>', 'language; default the scope language').choices(locales))
        .option('--var <name=value>', 'an extra template value (repeatable)', collect)
        .option(
          '--text-file <file>',
          'send this edited text instead of the rendered template ("-" for stdin)',
        )
        .option('--as <engineer>', 'engineer sending; default the case owner')
        .option('--json', 'print JSON'),
    ).action(
      action(
        async (
          caseNumber: string,
          opts: Base & {
            to?: string[];
            cc?: string[];
            locale?: TemplateLocale;
            var?: string[];
            textFile?: string;
          },
        ) => {
          const text = opts.textFile ? await readTextArg(opts.textFile) : undefined;
          await withRuntime(opts, async (runtime) => {
            const deps = workflowDeps(appDeps(runtime));
            const actor = await cliActor(deps.db, opts.as, caseNumber);
            const sent = await sendScopeAgreement(deps, actor, caseNumber, {
              to: parseAddresses(opts.to, 'to'),
              cc: parseAddresses(opts.cc, 'cc'),
              variables: parseVars(opts.var),
              ...(opts.locale ? { locale: opts.locale } : {}),
              ...(text !== undefined ? { text } : {}),
            });
            if (opts.json) return printJson(sent);
            process.stdout.write(
              `queued the scope agreement to ${sent.to.map((a) => a.address).join(', ')} (activity ${sent.activityId})\n`,
            );
          });
        },
      ),
    ),
  );
  return command;
}

type CloseOpts = Base & {
  reason: ClosureReason;
  consent?: string;
  noConsent?: boolean;
  problem?: string;
  rootCause?: string;
  fix?: string;
  remediation?: string;
  summaryFile?: string;
  draft?: boolean;
  send?: boolean;
  to?: string[];
  cc?: string[];
  locale?: TemplateLocale;
};

/** `casedesk close CASE --reason R (--consent mail:N | --no-consent) [--draft] [--send]`. */
export function closeCommand(): Command {
  return withDatabaseFlags(
    new Command('close')
      .description("Close a case with a reason, the customer's consent and a summary (--draft to preview it)")
      .argument('<caseNumber>')
      .addOption(
        new Option('--reason <reason>', 'why it closes').choices(closureReasons).makeOptionMandatory(),
      )
      .option(
        '--consent <mail>',
        "the customer's mail that agreed: an activity id or mail:N (N-th mail of the case)",
      )
      .option('--no-consent', 'close without consent (only no_response and duplicate)')
      .option('--problem <text>', 'problem description (default: scope, else first customer mail)')
      .option('--root-cause <text>', 'root cause for the summary')
      .option('--fix <text>', 'what fixed it (default: the latest engineer mail)')
      .option('--remediation <mail>', 'the mail whose steps fixed it (id or mail:N)')
      .option('--summary-file <file>', 'the edited summary to store and send ("-" for stdin)')
      .option('--draft', 'only print the drafted summary; change nothing')
      .option('--send', 'mail the summary to the customer before closing')
      .option('--to <address>', "summary recipient (repeatable); default the case's customers", collect)
      .option('--cc <address>', 'copy recipient (repeatable)', collect)
      .addOption(
        new Option('--locale <locale>', 'summary language; default the scope language').choices(locales),
      )
      .option('--as <engineer>', 'engineer closing; default the case owner')
      .option('--json', 'print JSON'),
  ).action(
    action(async (caseNumber: string, opts: CloseOpts) => {
      // commander's --no-consent sets `consent: false`
      const noConsent = (opts.consent as unknown) === false || opts.noConsent === true;
      const consentRef = typeof opts.consent === 'string' ? opts.consent : undefined;
      const summary = opts.summaryFile ? await readTextArg(opts.summaryFile) : undefined;
      await withRuntime(opts, async (runtime) => {
        const deps = workflowDeps(appDeps(runtime));
        const actor = await cliActor(deps.db, opts.as, caseNumber);
        const timeline = (await getCaseDetail(deps, caseNumber)).timeline;
        const draftInput = {
          reason: opts.reason,
          ...(opts.locale ? { locale: opts.locale } : {}),
          ...(opts.problem ? { problemDescription: opts.problem } : {}),
          ...(opts.rootCause ? { rootCause: opts.rootCause } : {}),
          ...(opts.fix ? { fix: opts.fix } : {}),
          ...(opts.remediation
            ? { remediationActivityId: resolveActivityRef(timeline, opts.remediation) }
            : {}),
        };
        if (opts.draft) {
          const draft = await draftClosureSummary(deps, actor, caseNumber, draftInput);
          if (opts.json) return printJson(draft);
          process.stdout.write(draft.text.endsWith('\n') ? draft.text : `${draft.text}\n`);
          if (draft.missing.length > 0) process.stderr.write(`missing: ${draft.missing.join(', ')}\n`);
          return;
        }
        const result = await closeCase(deps, actor, caseNumber, {
          ...draftInput,
          ...(consentRef ? { consentActivityId: resolveActivityRef(timeline, consentRef) } : {}),
          ...(noConsent ? { noConsent: true } : {}),
          ...(summary !== undefined ? { summary } : {}),
          send: opts.send ? { to: parseAddresses(opts.to, 'to'), cc: parseAddresses(opts.cc, 'cc') } : false,
        });
        if (opts.json) return printJson(result);
        process.stdout.write(
          `closed ${caseNumber} (${result.closure.reason})${result.summaryActivityId ? '; summary mail queued' : ''}\n`,
        );
      });
    }),
  );
}

/** `casedesk reopen CASE --reason TEXT`. */
export function reopenCommand(): Command {
  return withDatabaseFlags(
    new Command('reopen')
      .description('Reopen a closed case (to in progress)')
      .argument('<caseNumber>')
      .requiredOption('--reason <text>', 'why it is reopened (shown on the timeline)')
      .option('--as <engineer>', 'engineer reopening; default the case owner')
      .option('--json', 'print JSON'),
  ).action(
    action(async (caseNumber: string, opts: Base & { reason: string }) => {
      await withRuntime(opts, async (runtime) => {
        const deps = workflowDeps(appDeps(runtime));
        const actor = await cliActor(deps.db, opts.as, caseNumber);
        const detail = await reopenCase(deps, actor, caseNumber, { reason: opts.reason });
        if (opts.json) return printJson(detail);
        process.stdout.write(`reopened ${caseNumber}: ${detail.status}\n`);
      });
    }),
  );
}
