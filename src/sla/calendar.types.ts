/**
 * Business calendars are plain JSON-serializable data so they can be stored, exported and edited
 * by admins. Treat a calendar as an immutable value: the arithmetic caches per-day results keyed
 * on the object, so to change a calendar build a new object (see `withCalendarDays`).
 */

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Local wall-clock range, `HH:MM` 24-hour; `end` may be `24:00` (next midnight). End is exclusive. */
export type TimeRange = { start: string; end: string };

/**
 * An explicit day: a holiday (no business hours) or a workday. A workday that falls on a day with
 * no weekly hours (a make-up workday, 调休/补班) uses `hours` if given, else the calendar's
 * `makeUpDayHours`; a workday on a normal weekday keeps that weekday's hours unless `hours` is given.
 */
export type CalendarDay = { kind: 'holiday' | 'workday'; name?: string; hours?: TimeRange[] };

export type BusinessCalendar = {
  name: string;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  zone: string;
  workingHours: Record<IsoWeekday, TimeRange[]>;
  /** Hours of a workday whose weekday has no working hours (make-up workday). */
  makeUpDayHours: TimeRange[];
  /** Keyed by local date `YYYY-MM-DD`. */
  days: Record<string, CalendarDay>;
  /** Years whose holidays are known. Touching any other year yields a `calendar.year_not_covered` warning. */
  coveredYears: number[];
};

export type CalendarWarning = {
  code: 'calendar.year_not_covered';
  year: number;
  calendar: string;
  message: string;
};

/** Every calendar computation says which uncovered years it had to guess about. */
export type WithWarnings<T> = { value: T; warnings: CalendarWarning[] };

/** Days read from an import file (holiday-cn JSON or ICS), with the years the file covers. */
export type ImportedCalendarDays = { years: number[]; days: Record<string, CalendarDay> };
