import type {
  BusinessCalendar,
  CalendarDay,
  ImportedCalendarDays,
  IsoWeekday,
  TimeRange,
} from './calendar.types.js';
import { builtInCnCalendar } from './cn-calendar.js';

/**
 * A calendar as stored: for the built-in CN calendar, the admin's edits laid over the data shipped
 * with CaseDesk; for any other calendar, all of its days. Pure functions turn it into the
 * `BusinessCalendar` the arithmetic uses, and apply edits (each returns a new value).
 */
export type StoredCalendar = {
  name: string;
  builtin: boolean;
  zone: string;
  workingHours: Record<IsoWeekday, TimeRange[]>;
  makeUpDayHours: TimeRange[];
  /** Days set by admins or imports; for CN they win over the shipped data. */
  days: Record<string, CalendarDay>;
  /** Years replaced wholesale by an import (CN: the shipped days of those years are dropped). */
  importedYears: number[];
  /** Years an admin declared complete without importing them. */
  coveredYears: number[];
};

const yearOf = (date: string) => Number(date.slice(0, 4));
const union = (...lists: number[][]) => [...new Set(lists.flat())].sort((a, b) => a - b);

/** The calendar the arithmetic uses. Build it once per stored version: its compiled form is cached per object. */
export function effectiveCalendar(stored: StoredCalendar): BusinessCalendar {
  let days: Record<string, CalendarDay> = {};
  let covered = union(stored.importedYears, stored.coveredYears);
  if (stored.builtin) {
    const shipped = builtInCnCalendar();
    const replaced = new Set(stored.importedYears);
    for (const [date, day] of Object.entries(shipped.days)) {
      if (!replaced.has(yearOf(date))) days[date] = day;
    }
    covered = union(covered, shipped.coveredYears);
  }
  days = { ...days, ...stored.days };
  return {
    name: stored.name,
    zone: stored.zone,
    workingHours: stored.workingHours,
    makeUpDayHours: stored.makeUpDayHours,
    days,
    coveredYears: covered,
  };
}

/**
 * An import replaces every day of its years: the admin's earlier days of those years go, the
 * file's days (including neighbouring-year dates such as 2022-12-31 in the 2023 file) come in,
 * and the years count as covered.
 */
export function withImportedYears(stored: StoredCalendar, imported: ImportedCalendarDays): StoredCalendar {
  const years = new Set(imported.years);
  const days: Record<string, CalendarDay> = {};
  for (const [date, day] of Object.entries(stored.days)) if (!years.has(yearOf(date))) days[date] = day;
  return {
    ...stored,
    days: { ...days, ...imported.days },
    importedYears: union(stored.importedYears, imported.years),
  };
}

/** Sets one day (`day`) or removes the admin's entry for it (`null`: back to the shipped data / weekday). */
export function withStoredDay(stored: StoredCalendar, date: string, day: CalendarDay | null): StoredCalendar {
  const days = { ...stored.days };
  if (day) days[date] = day;
  else delete days[date];
  return { ...stored, days };
}
