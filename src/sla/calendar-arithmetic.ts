import type { BusinessCalendar, WithWarnings } from './calendar.types.js';
import {
  addBusinessMs,
  businessMsBetween,
  type CompiledCalendar,
  compileCalendar,
  dayFromIso,
  isoFromDay,
  localDay,
  nthBusinessDayAfter,
  touchDay,
  toWarnings,
  type YearSink,
} from './compiled-calendar.js';

/**
 * Business-calendar arithmetic over UTC instants (`Date`). Every function returns
 * `{ value, warnings }`; a warning `calendar.year_not_covered` names each year the computation had
 * to look at without holiday data (such days are treated as plain weekdays, and the caller must
 * say so to the user).
 *
 * "Business day" = a local date with at least one working-hour range of non-zero real length.
 */

function run<T>(cal: BusinessCalendar, fn: (c: CompiledCalendar, sink: YearSink) => T): WithWarnings<T> {
  const c = compileCalendar(cal);
  const sink: YearSink = [];
  const value = fn(c, sink);
  return { value, warnings: sink.length === 0 ? [] : toWarnings(c, sink) };
}

/** Local date (`YYYY-MM-DD`, calendar's zone) on which an instant falls. */
export function localDateOf(cal: BusinessCalendar, instant: Date): string {
  return isoFromDay(localDay(compileCalendar(cal), instant.getTime()));
}

/**
 * Whether a local date (`YYYY-MM-DD`), or the local date of an instant, is a business day.
 * @example isBusinessDay(cn, '2021-09-26').value === true // make-up workday (Sunday)
 */
export function isBusinessDay(cal: BusinessCalendar, date: string | Date): WithWarnings<boolean> {
  return run(cal, (c, sink) => {
    const day = typeof date === 'string' ? dayFromIso(date) : localDay(c, date.getTime());
    return touchDay(c, day, sink).business;
  });
}

/**
 * The local date of the n-th business day strictly after the local date of `instant`
 * (n ≥ 1); for n = 0, that date itself if it is a business day, else the next business day.
 * The time of day of `instant` does not matter (a promise made at 23:59 counts from that date).
 * @example addBusinessDays(cn, new Date('2021-09-29T13:31:30Z'), 2).value === '2021-10-08'
 */
export function addBusinessDays(cal: BusinessCalendar, instant: Date, n: number): WithWarnings<string> {
  return run(cal, (c, sink) => {
    return nthBusinessDayAfter(c, localDay(c, instant.getTime()), n, sink).date;
  });
}

/**
 * End of working hours (end of the last range) of the n-th business day after the local date of
 * `instant`, with `addBusinessDays` semantics. This is a follow-up promise's due time.
 * @example endOfNthBusinessDayAfter(cn, new Date('2021-09-22T17:19:56Z'), 2).value // 2021-09-26T10:00:00Z (18:00 CST)
 */
export function endOfNthBusinessDayAfter(
  cal: BusinessCalendar,
  instant: Date,
  n: number,
): WithWarnings<Date> {
  return run(cal, (c, sink) => {
    const { spans } = nthBusinessDayAfter(c, localDay(c, instant.getTime()), n, sink);
    return new Date(spans[spans.length - 1] as number);
  });
}

/**
 * The instant at which `hours` of business time have elapsed from `instant`. Time outside
 * working hours does not count; if `instant` is outside them, counting starts at the next
 * opening. A result that lands exactly on a closing time is that closing time (not the next
 * opening). `hours` may be fractional; 0 returns `instant` unchanged.
 * @example addBusinessHours(cn, new Date('2021-09-30T09:00:00Z'), 2).value // 2021-10-08T02:00:00Z
 */
export function addBusinessHours(cal: BusinessCalendar, instant: Date, hours: number): WithWarnings<Date> {
  return run(cal, (c, sink) => {
    return new Date(addBusinessMs(c, instant.getTime(), Math.round(hours * 3_600_000), sink));
  });
}

/**
 * Business seconds (with millisecond fractions) between two instants: the real time in [a, b)
 * that lies within working hours of business days. Negative when b is before a.
 */
export function businessSecondsBetween(cal: BusinessCalendar, a: Date, b: Date): WithWarnings<number> {
  return run(cal, (c, sink) => businessMsBetween(c, a.getTime(), b.getTime(), sink) / 1000);
}
