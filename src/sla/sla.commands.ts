import { Command, InvalidArgumentError } from 'commander';
import { action, printJson, withDatabaseFlags, withRuntime } from '../cli/cli-support.js';
import { invalid } from '../platform/errors.js';
import {
  breachingCases,
  getCaseSla,
  setCaseCadence,
  setCaseCalendar,
  slaReport,
} from './case-sla.service.js';
import { runSlaScan } from './sla-scan.js';

const number = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`${what}: expected a number ≥ 0, got "${value}"`);
  return n;
};

type SlaOptions = {
  calendar?: string;
  json?: boolean;
  setCadence?: string;
  useCalendar?: string;
  scan?: boolean;
  all?: boolean;
  breaching?: boolean;
  withinHours: number;
  dataDir?: string;
};

/**
 * `casedesk sla CASE [--calendar NAME] [--json]` prints a case's first response and follow-up
 * windows; `--set-cadence`, `--use-calendar` change the case; `--scan` runs the scheduler once;
 * `--breaching` lists cases due soon.
 */
export function slaCommand(): Command {
  return withDatabaseFlags(
    new Command('sla')
      .description(
        "A case's SLA: first response, follow-up windows, due times; or a scan / the breaching list",
      )
      .argument('[caseNumber]', 'e.g. CAS-04814-C9T9D0')
      .option('--calendar <name>', 'evaluate on this calendar instead of the case’s (nothing is stored)')
      .option(
        '--json',
        'print JSON: {caseNumber, calendar, cadenceBusinessDays, firstResponse, followUps, warnings}',
      )
      .option('--set-cadence <days>', 'set the case’s follow-up cadence in business days ("none" clears it)')
      .option('--use-calendar <name>', 'give the case its own calendar ("default" for the default one)')
      .option('--scan', 'run the SLA scheduler once: store states, record breaches, send reminders')
      .option('--all', 'with --scan: re-evaluate every open case, not only stale ones')
      .option('--breaching', 'list open cases with a due time within --within-hours (overdue included)')
      .option('--within-hours <h>', 'with --breaching', number('--within-hours'), 4),
  ).action(
    action(async (caseNumber: string | undefined, opts: SlaOptions) => {
      await withRuntime(opts, async (runtime) => {
        const deps = { db: runtime.database.db, clock: runtime.clock };
        if (opts.scan) {
          const readDb = runtime.database.kind === 'postgres' ? { readDb: runtime.database.db } : {};
          const result = await runSlaScan({ ...deps, ...readDb }, { all: opts.all === true });
          if (!result)
            throw invalid('sla.scan_busy', 'Another server is scanning right now; try again shortly');
          if (opts.json) return printJson(result);
          process.stdout.write(
            `${result.cases} case(s) evaluated, ${result.breachesRecorded} breach(es) recorded (${result.breachesNotified} notified), ${result.remindersSent} reminder(s) sent\n`,
          );
          for (const w of result.warnings) process.stderr.write(`warning: ${w.message}\n`);
          return;
        }
        if (opts.breaching) {
          const items = await breachingCases(deps, {
            withinHours: opts.withinHours,
            limit: 500,
            includeOverdue: true,
          });
          if (opts.json) return printJson(items);
          for (const c of items) {
            const left = Math.round(c.secondsLeft / 60);
            process.stdout.write(
              `${c.caseNumber}  ${c.priority}  ${(c.kind ?? '').padEnd(14)}  due ${c.dueAt}  ${c.overdue ? `OVERDUE ${-left} min` : `in ${left} min`}  ${c.owner ?? '-'}  ${c.title}\n`,
            );
          }
          if (items.length === 0) process.stdout.write('no case due within that time\n');
          return;
        }
        if (!caseNumber)
          throw invalid(
            'cli.missing_case',
            'Name a case (e.g. casedesk sla CAS-04814-C9T9D0), or use --scan / --breaching',
          );
        if (opts.setCadence !== undefined) {
          const days = opts.setCadence === 'none' ? null : Number(opts.setCadence);
          if (days !== null && !Number.isInteger(days))
            throw invalid(
              'sla.bad_cadence',
              `--set-cadence: a whole number of business days or "none", got "${opts.setCadence}"`,
            );
          await setCaseCadence(deps, null, caseNumber, days);
        }
        if (opts.useCalendar !== undefined) {
          await setCaseCalendar(deps, caseNumber, opts.useCalendar === 'default' ? null : opts.useCalendar);
        }
        const options = opts.calendar === undefined ? {} : { calendar: opts.calendar };
        if (opts.json) return printJson(await slaReport(deps, caseNumber, options));
        const view = await getCaseSla(deps, caseNumber, options);
        const out = [
          `${view.caseNumber}  ${view.priority}  calendar ${view.calendar}  cadence ${view.cadence.businessDays ?? '-'} business day(s) (${view.cadence.source ?? 'none'})`,
          `first response  ${view.firstResponse.status.padEnd(8)} opened ${view.firstResponse.openedAt ?? '-'}  responded ${view.firstResponse.doneAt ?? '-'}  due ${view.firstResponse.dueAt ?? '-'}`,
          `resolution      ${view.resolution.status.padEnd(8)} due ${view.resolution.dueAt ?? '-'}${view.resolution.pausedSince ? `  paused since ${view.resolution.pausedSince}` : ''}`,
          'follow-ups:',
          ...view.followUps.map(
            (w, i) =>
              `  ${String(i + 1).padStart(2)}. promised ${w.promisedAt}  due ${w.dueAt}  contacted ${w.contactedAt ?? '-'}  ${w.met === null ? 'open' : w.met ? 'met' : 'MISSED'}`,
          ),
        ];
        process.stdout.write(`${out.join('\n')}\n`);
        for (const w of view.warnings) process.stderr.write(`warning: ${w.message}\n`);
      });
    }),
  );
}
