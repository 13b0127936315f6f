import ICAL from 'ical.js';
import { z } from 'zod';
import { DomainError } from '../platform/errors.js';
import type { CalendarDay, ImportedCalendarDays } from './calendar.types.js';
import { dayFromCivil, isIsoDate, isoFromDay } from './compiled-calendar.js';

/** Holiday data importers for admins: holiday-cn JSON and ICS files of all-day events. */

const holidayCnSchema = z.object({
  year: z.number().int(),
  papers: z.array(z.string()),
  days: z.array(
    z.object({
      name: z.string(),
      date: z.string().refine(isIsoDate, 'YYYY-MM-DD date'),
      isOffDay: z.boolean(),
    }),
  ),
});

function badImport(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('calendar.bad_import', message, 400, details);
}

/**
 * Days of one year from the holiday-cn JSON format (github NateScarlet/holiday-cn, `YYYY.json`:
 * `{ year, papers, days: [{ name, date, isOffDay }] }`); `isOffDay: false` is a make-up workday.
 * Covers `year`; entries dated in a neighbouring year are kept (the 2023 file lists 2022-12-31).
 */
export function calendarDaysFromJson(json: unknown): ImportedCalendarDays {
  const parsed = holidayCnSchema.safeParse(json);
  if (!parsed.success) {
    throw badImport('Not a holiday-cn JSON file', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const days: Record<string, CalendarDay> = {};
  for (const d of parsed.data.days) {
    addDay(days, d.date, { kind: d.isOffDay ? 'holiday' : 'workday', name: d.name });
  }
  return { years: [parsed.data.year], days };
}

// Apple's marker, as written by chinese-days and Apple's own holiday calendars.
const APPLE_SPECIAL_DAY: Record<string, CalendarDay['kind']> = {
  'ALTERNATE-WORKDAY': 'workday',
  'WORK-HOLIDAY': 'holiday',
};
// 调休 alone is not a workday marker: "放假调休" describes the holiday itself.
const WORKDAY_WORDS = /补班|上班|[(（]班[)）]|^\s*班\s*$|\bwork(ing)?[\s-]?days?\b|\bmake[\s-]?up\b/i;
const KIND_SUFFIX = /\s*[(（](休|班)[)）]\s*$/;

function text(event: ICAL.Component, name: string): string {
  const v = event.getFirstPropertyValue(name);
  return typeof v === 'string' ? v : '';
}

/**
 * Days from an ICS file of all-day events. Each event marks every date from DTSTART up to (not
 * including) DTEND, or one date without DTEND. An event is a **workday** (补班/make-up day) when
 * `X-APPLE-SPECIAL-DAY` is `ALTERNATE-WORKDAY`, or its SUMMARY, DESCRIPTION or CATEGORIES say
 * 补班, 上班, (班), 班, "workday", "working day" or "make-up"; otherwise it is a **holiday**.
 * `X-APPLE-SPECIAL-DAY: WORK-HOLIDAY` is always a holiday. Timed events and recurring events
 * (RRULE) are rejected, as is one date marked both ways. Covers `options.year` if given (only
 * that year's dates are kept), else every year the events touch.
 */
export function calendarDaysFromIcs(ics: string, options: { year?: number } = {}): ImportedCalendarDays {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(ics));
  } catch (err) {
    throw badImport(`Not an ICS file: ${err instanceof Error ? err.message : String(err)}`);
  }
  const days: Record<string, CalendarDay> = {};
  const years = new Set<number>();
  for (const event of root.getAllSubcomponents('vevent')) {
    const summary = text(event, 'summary');
    const start = event.getFirstPropertyValue('dtstart');
    if (!(start instanceof ICAL.Time) || !start.isDate) {
      throw badImport(`Event "${summary}" is not an all-day event`);
    }
    if (event.hasProperty('rrule'))
      throw badImport(`Event "${summary}" repeats (RRULE); list each date instead`);
    const end = event.getFirstPropertyValue('dtend');
    const first = dayFromCivil(start.year, start.month, start.day);
    const last = end instanceof ICAL.Time ? dayFromCivil(end.year, end.month, end.day) - 1 : first;
    const special = text(event, 'x-apple-special-day').toUpperCase();
    const words = [summary, text(event, 'description'), text(event, 'categories')];
    const kind =
      APPLE_SPECIAL_DAY[special] ?? (words.some((w) => WORKDAY_WORDS.test(w)) ? 'workday' : 'holiday');
    const name = summary.replace(KIND_SUFFIX, '').trim();
    for (let d = first; d <= last; d++) {
      const date = isoFromDay(d);
      const y = Number(date.slice(0, 4));
      if (options.year !== undefined && y !== options.year) continue;
      years.add(y);
      addDay(days, date, name ? { kind, name } : { kind });
    }
  }
  if (options.year !== undefined) years.add(options.year);
  return { years: [...years].sort((a, b) => a - b), days };
}

function addDay(days: Record<string, CalendarDay>, date: string, day: CalendarDay): void {
  const prior = days[date];
  if (prior && prior.kind !== day.kind) {
    throw badImport(`${date} is listed both as a holiday and as a workday`, { date });
  }
  days[date] = prior ?? day;
}
