import { Temporal } from 'temporal-polyfill';
import { DomainError } from '../platform/errors.js';
import { isoInstant } from '../platform/iso-instant.js';
import type { BusinessCalendar, CalendarWarning, IsoWeekday, TimeRange } from './calendar.types.js';

/**
 * Internal engine of the calendar arithmetic. Temporal zone conversions cost ~15 µs each with the
 * polyfill, so every local day is resolved once into UTC epoch-millisecond spans and cached; the
 * arithmetic then runs on plain numbers. Days are numbered as days since 1970-01-01 (local date).
 */

export const DAY_MS = 86_400_000;
/** Give up after this many consecutive days without business hours (a calendar with none at all). */
const MAX_SCAN_DAYS = 3_660;

export type DayInfo = {
  day: number;
  date: string;
  /** First instant of this local date and of the next one. */
  startMs: number;
  nextStartMs: number;
  year: number;
  covered: boolean;
  /** ISO string of the end of the last span, filled on first use (due times repeat a lot). */
  endIso: string | null;
  /** Sorted, disjoint, non-empty business spans [start, end) as flat pairs of epoch ms. */
  spans: number[];
  totalMs: number;
  business: boolean;
};

export type CompiledCalendar = {
  cal: BusinessCalendar;
  covered: Set<number>;
  weekly: Map<IsoWeekday, number[]>;
  makeUp: number[];
  dayStarts: Map<number, number>;
  /** Day infos for days FAST_BASE.. in a dense array (hot path), others in a map. */
  fast: (DayInfo | undefined)[];
  far: Map<number, DayInfo>;
};

const FAST_BASE = 10_957; // 2000-01-01
const FAST_DAYS = 40_000; // to 2109

/** Uncovered years seen by one computation, in the order met. */
export type YearSink = number[];

const cache = new WeakMap<BusinessCalendar, CompiledCalendar>();

/** Minutes since local midnight of a `HH:MM` string, 0..1440. */
export function parseClock(text: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) throw new DomainError('calendar.bad_hours', `Not a HH:MM time: ${JSON.stringify(text)}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 1440) throw new DomainError('calendar.bad_hours', `Time past 24:00: ${text}`);
  return minutes;
}

/** Flat [startMin, endMin, …] of validated ranges; sorted so spans come out ordered. */
function compileRanges(ranges: readonly TimeRange[], where: string): number[] {
  const pairs = ranges.map((r) => {
    const start = parseClock(r.start);
    const end = parseClock(r.end);
    if (end <= start) {
      throw new DomainError(
        'calendar.bad_hours',
        `${where}: range ${r.start}–${r.end} ends before it starts`,
      );
    }
    return [start, end] as const;
  });
  pairs.sort((a, b) => a[0] - b[0]);
  return pairs.flatMap((p) => [p[0], p[1]]);
}

export function compileCalendar(cal: BusinessCalendar): CompiledCalendar {
  const hit = cache.get(cal);
  if (hit) return hit;
  try {
    Temporal.PlainDate.from('2000-01-01').toZonedDateTime({ timeZone: cal.zone });
  } catch {
    throw new DomainError('calendar.bad_zone', `Unknown time zone: ${JSON.stringify(cal.zone)}`);
  }
  const weekly = new Map<IsoWeekday, number[]>();
  for (const wd of [1, 2, 3, 4, 5, 6, 7] as const) {
    weekly.set(wd, compileRanges(cal.workingHours[wd] ?? [], `weekday ${wd}`));
  }
  for (const [date, day] of Object.entries(cal.days)) {
    if (!isIsoDate(date)) throw new DomainError('calendar.bad_date', `Not a YYYY-MM-DD date: ${date}`);
    if (day.hours) compileRanges(day.hours, date);
  }
  const compiled: CompiledCalendar = {
    cal,
    covered: new Set(cal.coveredYears),
    weekly,
    makeUp: compileRanges(cal.makeUpDayHours, 'make-up day hours'),
    dayStarts: new Map(),
    fast: new Array<DayInfo | undefined>(FAST_DAYS),
    far: new Map(),
  };
  cache.set(cal, compiled);
  return compiled;
}

// Civil-date <-> day-number conversions (proleptic Gregorian), after H. Hinnant's algorithms.
export function dayFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function civilFromDay(day: number): { year: number; month: number; day: number } {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { year: m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month: m, day: d };
}

export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const back = civilFromDay(dayFromCivil(y, mo, d));
  return back.year === y && back.month === mo && back.day === d;
}

export function dayFromIso(text: string): number {
  if (!isIsoDate(text)) throw new DomainError('calendar.bad_date', `Not a YYYY-MM-DD date: ${text}`);
  return dayFromCivil(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)));
}

export function isoFromDay(day: number): string {
  const c = civilFromDay(day);
  return `${String(c.year).padStart(4, '0')}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

/** ISO weekday of a day number (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): IsoWeekday {
  return (((((day + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/** The first instant of a local date (not always 00:00 where DST starts at midnight). */
export function dayStart(c: CompiledCalendar, day: number): number {
  const hit = c.dayStarts.get(day);
  if (hit !== undefined) return hit;
  const { year, month, day: dd } = civilFromDay(day);
  const ms = Temporal.PlainDate.from({ year, month, day: dd }).toZonedDateTime({
    timeZone: c.cal.zone,
  }).epochMilliseconds;
  c.dayStarts.set(day, ms);
  return ms;
}

/**
 * The first instant at which the wall clock of `day` reads `minutes` or later: in a DST gap that
 * is the transition itself, in a repeated hour the earlier occurrence.
 */
function wallClockInstant(c: CompiledCalendar, day: number, minutes: number): number {
  if (minutes === 0) return dayStart(c, day);
  if (minutes === 1440) return dayStart(c, day + 1);
  const { year, month, day: dd } = civilFromDay(day);
  const fields = {
    timeZone: c.cal.zone,
    year,
    month,
    day: dd,
    hour: Math.floor(minutes / 60),
    minute: minutes % 60,
  };
  const earlier = Temporal.ZonedDateTime.from(fields, { disambiguation: 'earlier' });
  if (earlier.day === dd && earlier.hour === fields.hour && earlier.minute === fields.minute) {
    return earlier.epochMilliseconds;
  }
  const later = Temporal.ZonedDateTime.from(fields, { disambiguation: 'later' });
  // In a gap the answer is the transition itself. `previous` looks strictly before its start, so
  // start a nanosecond after `later`: when `later` is the transition (a range opening exactly at the
  // jump, e.g. 02:00 on the spring-forward day) it must not find the transition half a year earlier.
  const transition = later.add({ nanoseconds: 1 }).getTimeZoneTransition('previous');
  return transition?.epochMilliseconds ?? later.epochMilliseconds;
}

export function dayInfo(c: CompiledCalendar, day: number): DayInfo {
  const i = day - FAST_BASE;
  const hit = i >= 0 && i < FAST_DAYS ? c.fast[i] : c.far.get(day);
  return hit ?? resolveDay(c, day);
}

function resolveDay(c: CompiledCalendar, day: number): DayInfo {
  const date = isoFromDay(day);
  const year = Number(date.slice(0, 4));
  const override = c.cal.days[date];
  const weekly = c.weekly.get(isoWeekday(day)) ?? [];
  let minutes: number[];
  if (override?.kind === 'holiday') minutes = [];
  else if (override?.hours) minutes = compileRanges(override.hours, date);
  else if (override?.kind === 'workday' && weekly.length === 0) minutes = c.makeUp;
  else minutes = weekly;

  const spans: number[] = [];
  for (let i = 0; i < minutes.length; i += 2) {
    const s = wallClockInstant(c, day, minutes[i] as number);
    const e = wallClockInstant(c, day, minutes[i + 1] as number);
    if (e <= s) continue; // a range wholly inside a DST gap has no real time
    const last = spans.length - 1;
    if (last > 0 && s <= (spans[last] as number)) spans[last] = Math.max(spans[last] as number, e);
    else spans.push(s, e);
  }
  let totalMs = 0;
  for (let i = 0; i < spans.length; i += 2) totalMs += (spans[i + 1] as number) - (spans[i] as number);
  const info: DayInfo = {
    day,
    date,
    startMs: dayStart(c, day),
    nextStartMs: dayStart(c, day + 1),
    year,
    covered: c.covered.has(year),
    endIso: null,
    spans,
    totalMs,
    business: totalMs > 0,
  };
  const i = day - FAST_BASE;
  if (i >= 0 && i < FAST_DAYS) c.fast[i] = info;
  else c.far.set(day, info);
  return info;
}

/** Day info, recording the year in `sink` when it has no holiday data. */
export function touchDay(c: CompiledCalendar, day: number, sink: YearSink): DayInfo {
  const info = dayInfo(c, day);
  if (!info.covered && !sink.includes(info.year)) sink.push(info.year);
  return info;
}

/** ISO 8601 UTC string of the close of a business day, cached on the day. */
export function dayEndIso(info: DayInfo): string {
  if (info.endIso === null) info.endIso = isoInstant(info.spans[info.spans.length - 1] as number);
  return info.endIso;
}

/** Local day number on which the instant `ms` falls in the calendar's zone. */
export function localDay(c: CompiledCalendar, ms: number): number {
  const d = Math.floor(ms / DAY_MS); // UTC offsets are under a day, so the local day is d-1, d or d+1
  const info = dayInfo(c, d);
  if (ms >= info.nextStartMs) return d + 1;
  if (ms >= info.startMs) return d;
  return d - 1;
}

/** The n-th business day strictly after `day`; for n = 0, `day` itself if business, else the next. */
export function nthBusinessDayAfter(c: CompiledCalendar, day: number, n: number, sink: YearSink): DayInfo {
  if (!Number.isInteger(n) || n < 0) {
    throw new DomainError('calendar.bad_count', `Business-day count must be a whole number ≥ 0, got ${n}`);
  }
  let d = day;
  let remaining = n;
  let idle = 0;
  if (n === 0) {
    const info = touchDay(c, d, sink);
    if (info.business) return info;
    remaining = 1;
  }
  for (;;) {
    d += 1;
    const info = touchDay(c, d, sink);
    if (info.business) {
      idle = 0;
      remaining -= 1;
      if (remaining === 0) return info;
    } else if (++idle > MAX_SCAN_DAYS) {
      throw noBusinessDays(c);
    }
  }
}

/** Instant reached after `amountMs` of business time from `ms` (`ms` itself when amountMs = 0). */
export function addBusinessMs(c: CompiledCalendar, ms: number, amountMs: number, sink: YearSink): number {
  if (!(amountMs >= 0) || !Number.isFinite(amountMs)) {
    throw new DomainError(
      'calendar.bad_amount',
      `Business time to add must be finite and ≥ 0, got ${amountMs}`,
    );
  }
  if (amountMs === 0) return ms;
  let remaining = amountMs;
  let idle = 0;
  for (let d = localDay(c, ms); ; d++) {
    const { spans } = touchDay(c, d, sink);
    for (let i = 0; i < spans.length; i += 2) {
      const end = spans[i + 1] as number;
      if (end <= ms) continue;
      const from = Math.max(spans[i] as number, ms);
      if (remaining <= end - from) return from + remaining;
      remaining -= end - from;
    }
    idle = spans.length === 0 ? idle + 1 : 0;
    if (idle > MAX_SCAN_DAYS) throw noBusinessDays(c);
  }
}

/** Business milliseconds in [a, b); negative when b is before a. */
export function businessMsBetween(c: CompiledCalendar, a: number, b: number, sink: YearSink): number {
  if (b < a) return 0 - businessMsBetween(c, b, a, sink); // 0 - x, not -x: no -0 in reports
  const first = localDay(c, a);
  const last = localDay(c, b);
  let total = 0;
  for (let d = first; d <= last; d++) {
    const info = touchDay(c, d, sink);
    if (d > first && d < last) {
      total += info.totalMs;
      continue;
    }
    const { spans } = info;
    for (let i = 0; i < spans.length; i += 2) {
      const s = Math.max(spans[i] as number, a);
      const e = Math.min(spans[i + 1] as number, b);
      if (e > s) total += e - s;
    }
  }
  return total;
}

export function toWarnings(c: CompiledCalendar, sink: YearSink): CalendarWarning[] {
  return [...sink]
    .sort((x, y) => x - y)
    .map((year) => ({
      code: 'calendar.year_not_covered' as const,
      year,
      calendar: c.cal.name,
      message: `Calendar ${c.cal.name} has no holiday data for ${year}; days in ${year} were treated as plain weekdays.`,
    }));
}

function noBusinessDays(c: CompiledCalendar): DomainError {
  return new DomainError(
    'calendar.no_business_days',
    `Calendar ${c.cal.name} has no business hours within ${MAX_SCAN_DAYS} days`,
  );
}
