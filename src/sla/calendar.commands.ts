import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { action, printJson, withDatabaseFlags, withRuntime } from '../cli/cli-support.js';
import type { Priority } from '../platform/db/schema.js';
import { invalid } from '../platform/errors.js';
import type { TimeRange } from './calendar.types.js';
import {
  type CalendarDetail,
  createCalendar,
  deleteCalendar,
  getCalendar,
  importCalendarYear,
  listCalendars,
  removeCalendarDay,
  setCalendarDay,
  setDefaultCalendar,
  updateCalendar,
} from './calendars.service.js';
import { listPolicies, type PolicyInput, removeAccountPolicy, setPolicy } from './policies.service.js';

type Db = { dataDir?: string; json?: boolean };

/** "09:00-12:00,13:00-18:00" → ranges; "none" → no hours. */
function ranges(value: string): TimeRange[] {
  if (value === 'none') return [];
  return value.split(',').map((part) => {
    const m = /^\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$/.exec(part);
    if (!m) throw new InvalidArgumentError(`expected HH:MM-HH:MM[,…] or "none", got "${value}"`);
    return { start: m[1] as string, end: m[2] as string };
  });
}

function years(value: string): number[] {
  return value.split(',').map((y) => {
    const n = Number(y.trim());
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected years like 2027,2028, got "${value}"`);
    return n;
  });
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

function printCalendar(c: CalendarDetail, json: boolean | undefined): void {
  if (json) {
    printJson(c);
    return;
  }
  const hours = (r: TimeRange[]) => (r.length ? r.map((x) => `${x.start}-${x.end}`).join(',') : '-');
  const out = [
    `${c.name}${c.builtin ? ' (built in)' : ''}${c.isDefault ? ' (default)' : ''}  zone ${c.zone}  version ${c.version}`,
    `hours  ${(['1', '2', '3', '4', '5', '6', '7'] as const).map((d, i) => `${'MTWTFSS'[i]} ${hours(c.workingHours[Number(d) as 1] ?? [])}`).join('  ')}`,
    `make-up days ${hours(c.makeUpDayHours)}`,
    `years with holiday data: ${c.coveredYears.length ? `${c.coveredYears[0]}–${c.coveredYears.at(-1)} (${c.coveredYears.join(',')})` : 'none'}`,
  ];
  const days = Object.entries(c.days);
  if (days.length <= 120)
    for (const [date, d] of days) out.push(`  ${date}  ${d.kind.padEnd(7)}  ${d.name ?? ''}`);
  else out.push(`${days.length} special days (use --year YYYY to list one year)`);
  process.stdout.write(`${out.join('\n')}\n`);
}

export function calendarCommand(): Command {
  const command = new Command('calendar').description(
    'Business calendars: holidays, make-up workdays, hours',
  );
  const sub = (name: string, description: string) =>
    withDatabaseFlags(new Command(name).description(description).option('--json', 'print JSON'));

  command.addCommand(
    sub('list', 'List calendars').action(
      action(async (opts: Db) => {
        await withRuntime(opts, async (rt) => {
          const list = await listCalendars({ db: rt.database.db, clock: rt.clock });
          if (opts.json) return printJson(list);
          for (const c of list)
            process.stdout.write(
              `${c.name.padEnd(12)} ${c.zone.padEnd(20)} ${c.builtin ? 'built in' : '        '} ${c.isDefault ? 'default' : ''}\n`,
            );
        });
      }),
    ),
  );
  command.addCommand(
    sub('show', 'Show a calendar')
      .argument('<name>')
      .option('--year <yyyy>', 'only the days of this year', (v) => Number(v))
      .action(
        action(async (name: string, opts: Db & { year?: number }) => {
          await withRuntime(opts, async (rt) => {
            const c = await getCalendar(
              { db: rt.database.db, clock: rt.clock },
              name,
              opts.year === undefined ? {} : { year: opts.year },
            );
            printCalendar(c, opts.json);
          });
        }),
      ),
  );
  command.addCommand(
    sub('create', 'Create a calendar')
      .argument('<name>')
      .requiredOption('--zone <zone>', 'IANA time zone, e.g. Europe/Berlin')
      .addOption(new Option('--hours <ranges>', 'Monday–Friday hours').argParser(ranges))
      .addOption(
        new Option('--weekend-hours <ranges>', 'Saturday and Sunday hours (default none)').argParser(ranges),
      )
      .addOption(
        new Option('--covered-years <years>', 'years whose holidays are all entered').argParser(years),
      )
      .action(
        action(
          async (
            name: string,
            opts: Db & {
              zone: string;
              hours?: TimeRange[];
              weekendHours?: TimeRange[];
              coveredYears?: number[];
            },
          ) => {
            await withRuntime(opts, async (rt) => {
              const h = opts.hours;
              const w = opts.weekendHours;
              const c = await createCalendar(
                { db: rt.database.db, clock: rt.clock },
                {
                  name,
                  zone: opts.zone,
                  workingHours: {
                    ...(h ? { 1: h, 2: h, 3: h, 4: h, 5: h } : {}),
                    ...(w ? { 6: w, 7: w } : {}),
                  },
                  ...(h ? { makeUpDayHours: h } : {}),
                  ...(opts.coveredYears ? { coveredYears: opts.coveredYears } : {}),
                },
              );
              printCalendar(c, opts.json);
            });
          },
        ),
      ),
  );
  command.addCommand(
    sub('set', "Change a calendar's zone, hours or the years declared complete")
      .argument('<name>')
      .option('--zone <zone>')
      .addOption(new Option('--hours <ranges>', 'Monday–Friday hours').argParser(ranges))
      .addOption(new Option('--weekend-hours <ranges>').argParser(ranges))
      .addOption(new Option('--make-up-hours <ranges>', 'hours of make-up workdays').argParser(ranges))
      .addOption(new Option('--covered-years <years>', 'replaces the declared years').argParser(years))
      .action(
        action(
          async (
            name: string,
            opts: Db & {
              zone?: string;
              hours?: TimeRange[];
              weekendHours?: TimeRange[];
              makeUpHours?: TimeRange[];
              coveredYears?: number[];
            },
          ) => {
            await withRuntime(opts, async (rt) => {
              const h = opts.hours;
              const w = opts.weekendHours;
              const c = await updateCalendar({ db: rt.database.db, clock: rt.clock }, name, {
                ...(opts.zone ? { zone: opts.zone } : {}),
                workingHours: {
                  ...(h ? { 1: h, 2: h, 3: h, 4: h, 5: h } : {}),
                  ...(w ? { 6: w, 7: w } : {}),
                },
                ...(opts.makeUpHours ? { makeUpDayHours: opts.makeUpHours } : {}),
                ...(opts.coveredYears ? { coveredYears: opts.coveredYears } : {}),
              });
              printCalendar(c, opts.json);
            });
          },
        ),
      ),
  );
  command.addCommand(
    sub('set-day', 'Mark a date as a holiday or a (make-up) workday')
      .argument('<name>')
      .argument('<date>', 'YYYY-MM-DD')
      .argument('<kind>', 'holiday or workday')
      .option('--label <text>', 'e.g. 国庆节')
      .addOption(new Option('--hours <ranges>', 'hours of that day').argParser(ranges))
      .action(
        action(
          async (
            name: string,
            date: string,
            kind: string,
            opts: Db & { label?: string; hours?: TimeRange[] },
          ) => {
            if (kind !== 'holiday' && kind !== 'workday')
              throw invalid('calendar.bad_day', `kind must be holiday or workday, got "${kind}"`);
            await withRuntime(opts, async (rt) => {
              const c = await setCalendarDay({ db: rt.database.db, clock: rt.clock }, name, date, {
                kind,
                ...(opts.label ? { name: opts.label } : {}),
                ...(opts.hours ? { hours: opts.hours } : {}),
              });
              if (opts.json) return printJson(c);
              process.stdout.write(`${name} ${date}: ${kind}${opts.label ? ` (${opts.label})` : ''}\n`);
            });
          },
        ),
      ),
  );
  command.addCommand(
    sub('unset-day', "Remove the admins' entry for a date (CN: back to the shipped data)")
      .argument('<name>')
      .argument('<date>', 'YYYY-MM-DD')
      .action(
        action(async (name: string, date: string, opts: Db) => {
          await withRuntime(opts, async (rt) => {
            const c = await removeCalendarDay({ db: rt.database.db, clock: rt.clock }, name, date);
            if (opts.json) return printJson(c);
            process.stdout.write(`${name} ${date}: ${c.days[date]?.kind ?? 'weekday default'}\n`);
          });
        }),
      ),
  );
  command.addCommand(
    sub('import', 'Import holidays from holiday-cn JSON (YYYY.json) or an ICS file; replaces those years')
      .argument('<name>')
      .argument('<file>')
      .option('--year <yyyy>', 'ICS: only this year', (v) => Number(v))
      .action(
        action(async (name: string, file: string, opts: Db & { year?: number }) => {
          const text = readFileSync(file, 'utf8');
          const isIcs = /\.ics$/i.test(file) || text.trimStart().startsWith('BEGIN:VCALENDAR');
          let input: Parameters<typeof importCalendarYear>[2];
          if (isIcs)
            input = { format: 'ics', content: text, ...(opts.year === undefined ? {} : { year: opts.year }) };
          else {
            let content: unknown;
            try {
              content = JSON.parse(text);
            } catch {
              throw invalid('calendar.bad_import', `${file} is neither ICS nor JSON`);
            }
            input = { format: 'json', content };
          }
          await withRuntime(opts, async (rt) => {
            const r = await importCalendarYear({ db: rt.database.db, clock: rt.clock }, name, input);
            if (opts.json)
              return printJson({
                calendar: r.name,
                importedYears: r.importedYears,
                importedDays: r.importedDays,
              });
            process.stdout.write(
              `${name}: imported ${r.importedDays} day(s) for ${r.importedYears.join(', ')}\n`,
            );
          });
        }),
      ),
  );
  command.addCommand(
    sub('default', 'Make a calendar the default of every case without its own')
      .argument('<name>')
      .action(
        action(async (name: string, opts: Db) => {
          await withRuntime(opts, async (rt) => {
            await setDefaultCalendar({ db: rt.database.db, clock: rt.clock }, name);
            process.stdout.write(`${name} is now the default calendar\n`);
          });
        }),
      ),
  );
  command.addCommand(
    sub('delete', 'Delete a calendar no case uses')
      .argument('<name>')
      .action(
        action(async (name: string, opts: Db) => {
          await withRuntime(opts, async (rt) => {
            await deleteCalendar({ db: rt.database.db, clock: rt.clock }, name);
            process.stdout.write(`${name} deleted\n`);
          });
        }),
      ),
  );
  return command;
}

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];
function priority(value: string): Priority {
  if (!PRIORITIES.includes(value))
    throw new InvalidArgumentError(`expected P1, P2, P3 or P4, got "${value}"`);
  return value as Priority;
}

export function policyCommand(): Command {
  const command = new Command('policy').description('SLA policies per priority, overridable per account');
  command.addCommand(
    withDatabaseFlags(new Command('list').description('List policies').option('--json', 'print JSON')).action(
      action(async (opts: Db) => {
        await withRuntime(opts, async (rt) => {
          const rows = await listPolicies({ db: rt.database.db, clock: rt.clock });
          if (opts.json) return printJson(rows);
          for (const p of rows) {
            process.stdout.write(
              `${(p.account ?? '(default)').padEnd(12)} ${p.priority}  first response ${p.firstResponseHours} h  follow-up every ${p.followUpDays ?? '-'} business day(s)  resolution ${p.resolution.value} ${p.resolution.unit.replace('_', ' ')}  remind ${p.remindBeforeMinutes} min before\n`,
            );
          }
        });
      }),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('set')
        .description(
          "Set a priority's policy, for everyone or one account (fields left out keep their value)",
        )
        .argument('<priority>', 'P1..P4', priority)
        .option('--account <name>', 'override for this account only')
        .option('--first-response-hours <h>', 'business hours', positive)
        .option('--follow-up-days <n>', 'business days between contacts, or "none"')
        .option('--resolution-hours <h>', 'resolution target in business hours', positive)
        .option('--resolution-days <n>', 'resolution target in business days', positive)
        .option('--remind-before-minutes <m>', 'reminder lead time', (v) => Number(v))
        .option('--json', 'print JSON'),
    ).action(
      action(
        async (
          p: Priority,
          opts: Db & {
            account?: string;
            firstResponseHours?: number;
            followUpDays?: string;
            resolutionHours?: number;
            resolutionDays?: number;
            remindBeforeMinutes?: number;
          },
        ) => {
          if (opts.resolutionHours !== undefined && opts.resolutionDays !== undefined)
            throw invalid('sla.bad_policy', 'Give --resolution-hours or --resolution-days, not both');
          const input: PolicyInput = {};
          if (opts.firstResponseHours !== undefined) input.firstResponseHours = opts.firstResponseHours;
          if (opts.followUpDays !== undefined) {
            const n = opts.followUpDays === 'none' ? null : Number(opts.followUpDays);
            if (n !== null && (!Number.isInteger(n) || n < 1))
              throw invalid('sla.bad_policy', '--follow-up-days: a whole number ≥ 1 or "none"');
            input.followUpDays = n;
          }
          if (opts.resolutionHours !== undefined)
            input.resolution = { value: opts.resolutionHours, unit: 'business_hours' };
          if (opts.resolutionDays !== undefined)
            input.resolution = { value: opts.resolutionDays, unit: 'business_days' };
          if (opts.remindBeforeMinutes !== undefined) {
            if (!Number.isInteger(opts.remindBeforeMinutes) || opts.remindBeforeMinutes < 0)
              throw invalid('sla.bad_policy', '--remind-before-minutes: a whole number ≥ 0');
            input.remindBeforeMinutes = opts.remindBeforeMinutes;
          }
          await withRuntime(opts, async (rt) => {
            const row = await setPolicy({ db: rt.database.db, clock: rt.clock }, p, {
              ...input,
              account: opts.account ?? null,
            });
            if (opts.json) return printJson(row);
            process.stdout.write(`${row.account ?? '(default)'} ${row.priority} policy saved\n`);
          });
        },
      ),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('unset')
        .description("Remove an account's override; the default applies again")
        .argument('<priority>', 'P1..P4', priority)
        .requiredOption('--account <name>'),
    ).action(
      action(async (p: Priority, opts: Db & { account: string }) => {
        await withRuntime(opts, async (rt) => {
          await removeAccountPolicy({ db: rt.database.db, clock: rt.clock }, opts.account, p);
          process.stdout.write(`${opts.account} ${p}: default policy applies\n`);
        });
      }),
    ),
  );
  return command;
}
