import { z } from 'zod';
import { DomainError } from '../platform/errors.js';
import type { BusinessCalendar, CalendarDay, ImportedCalendarDays } from './calendar.types.js';
import { compileCalendar, isIsoDate } from './compiled-calendar.js';

/** Zod schemas for calendars crossing a boundary (HTTP, CLI, storage, admin import). */

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
export const timeRangeSchema = z.object({ start: clock, end: clock });
const isoDate = z.string().refine(isIsoDate, 'YYYY-MM-DD date');

export const calendarDaySchema = z.object({
  kind: z.enum(['holiday', 'workday']),
  name: z.string().optional(),
  hours: z.array(timeRangeSchema).optional(),
});

const year = z.number().int().min(1900).max(2200);

export const businessCalendarSchema = z.object({
  name: z.string().min(1),
  zone: z.string().min(1),
  workingHours: z.object({
    1: z.array(timeRangeSchema),
    2: z.array(timeRangeSchema),
    3: z.array(timeRangeSchema),
    4: z.array(timeRangeSchema),
    5: z.array(timeRangeSchema),
    6: z.array(timeRangeSchema),
    7: z.array(timeRangeSchema),
  }),
  makeUpDayHours: z.array(timeRangeSchema),
  days: z.record(isoDate, calendarDaySchema),
  coveredYears: z.array(year),
});

/** Validates a calendar (shape, hours, zone); throws `calendar.invalid` with the zod issues. */
export function parseBusinessCalendar(input: unknown): BusinessCalendar {
  const parsed = businessCalendarSchema.safeParse(input);
  if (!parsed.success) {
    throw new DomainError('calendar.invalid', 'Invalid business calendar', 400, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const cal = parsed.data as BusinessCalendar;
  compileCalendar(cal); // rejects unknown zones and ranges that end before they start
  return cal;
}

/**
 * The calendar with `imported` applied: every day of the imported years is replaced by the
 * import (a re-import of a year drops days that the new file no longer lists), days outside
 * those years that the file also lists (2022-12-31 in the 2023 file) are set, and the years
 * become covered. Returns a new object; `cal` is unchanged.
 */
export function withImportedDays(cal: BusinessCalendar, imported: ImportedCalendarDays): BusinessCalendar {
  const years = new Set(imported.years);
  const days: Record<string, CalendarDay> = {};
  for (const [date, day] of Object.entries(cal.days)) {
    if (!years.has(Number(date.slice(0, 4)))) days[date] = day;
  }
  Object.assign(days, imported.days);
  const coveredYears = [...new Set([...cal.coveredYears, ...imported.years])].sort((a, b) => a - b);
  return { ...cal, days, coveredYears };
}

/** The calendar with one day added, changed (`day`) or reset to its weekday default (`null`). */
export function withDay(cal: BusinessCalendar, date: string, day: CalendarDay | null): BusinessCalendar {
  if (!isIsoDate(date)) throw new DomainError('calendar.bad_date', `Not a YYYY-MM-DD date: ${date}`);
  const days = { ...cal.days };
  if (day) days[date] = calendarDaySchema.parse(day);
  else delete days[date];
  return { ...cal, days };
}
