import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import type { BusinessCalendar, CalendarDay, IsoWeekday, TimeRange } from './calendar.types.js';
import { addBusinessHours, businessSecondsBetween, endOfNthBusinessDayAfter } from './calendar-arithmetic.js';

/*
 * The reference: a deliberately naive model of a business calendar, for property tests of the
 * optimized arithmetic. A minute is a business minute when its local wall-clock time lies in one
 * of its local date's ranges; days are walked one at a time with Temporal.
 */

const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const weekdays = new Map<string, IsoWeekday>();

function naiveRanges(cal: BusinessCalendar, date: string): TimeRange[] {
  const day: CalendarDay | undefined = cal.days[date];
  let weekday = weekdays.get(date);
  if (weekday === undefined) {
    weekday = Temporal.PlainDate.from(date).dayOfWeek as IsoWeekday;
    weekdays.set(date, weekday);
  }
  const weekly = cal.workingHours[weekday];
  if (day?.kind === 'holiday') return [];
  if (day?.hours) return day.hours;
  if (day?.kind === 'workday' && weekly.length === 0) return cal.makeUpDayHours;
  return weekly;
}

const offsets = new Map<string, number>();

const isBusinessMinute = (cal: BusinessCalendar, date: string, minute: number): boolean =>
  naiveRanges(cal, date).some((r) => toMinutes(r.start) <= minute && minute < toMinutes(r.end));

/** Minute scan of one local date: whether it has business minutes, and the end of the last one. */
function naiveDay(cal: BusinessCalendar, date: string): { business: boolean; end: number | null } {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  let end: number | null = null;
  for (let t = utcMidnight - 15 * 60 * MINUTE; t < utcMidnight + 39 * 60 * MINUTE; t += MINUTE) {
    const local = naiveLocal(cal, t);
    if (local.date === date && isBusinessMinute(cal, date, local.minute)) end = t + MINUTE;
  }
  return { business: end !== null, end };
}

/** Local date and minute of day of an instant on the minute grid (offsets change on quarter hours). */
function naiveLocal(cal: BusinessCalendar, ms: number): { date: string; minute: number } {
  const quarter = Math.floor(ms / QUARTER) * QUARTER;
  const key = `${cal.zone} ${quarter}`;
  let offsetMs = offsets.get(key);
  if (offsetMs === undefined) {
    offsetMs =
      Temporal.Instant.fromEpochMilliseconds(quarter).toZonedDateTimeISO(cal.zone).offsetNanoseconds / 1e6;
    offsets.set(key, offsetMs);
  }
  const wall = new Date(ms + offsetMs);
  return { date: wall.toISOString().slice(0, 10), minute: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/** Business minutes in [a, b), both on the minute grid, and the local dates seen. */
function naiveBusinessMinutes(
  cal: BusinessCalendar,
  a: number,
  b: number,
): { minutes: number; dates: Set<string> } {
  let minutes = 0;
  const dates = new Set<string>();
  for (let t = a; t < b; t += MINUTE) {
    const { date, minute } = naiveLocal(cal, t);
    dates.add(date);
    if (isBusinessMinute(cal, date, minute)) minutes++;
  }
  if (a <= b) dates.add(naiveLocal(cal, b).date);
  return { minutes, dates };
}

/** The n-th business date after the local date of `ms`, walking day by day; and the dates consulted. */
function naiveNthBusinessDay(
  cal: BusinessCalendar,
  ms: number,
  n: number,
): { date: string; consulted: string[] } {
  let date = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(cal.zone).toPlainDate();
  const consulted: string[] = [];
  if (n === 0) {
    consulted.push(date.toString());
    if (naiveDay(cal, date.toString()).business) return { date: date.toString(), consulted };
    n = 1;
  }
  while (n > 0) {
    date = date.add({ days: 1 });
    consulted.push(date.toString());
    if (naiveDay(cal, date.toString()).business) n--;
  }
  return { date: date.toString(), consulted };
}

const yearsOf = (dates: Iterable<string>): number[] =>
  [...new Set([...dates].map((d) => Number(d.slice(0, 4))))].sort((x, y) => x - y);

const hhmm = (m: number): string =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * Random ranges on the minute grid. `avoid` excludes boundaries strictly inside a repeated
 * (fall-back) hour, where wall-clock membership and CaseDesk's "first time the clock reads
 * HH:MM" differ by design (covered by explicit unit tests instead).
 */
function rangesArb(avoid: (m: number) => boolean): fc.Arbitrary<TimeRange[]> {
  const point = fc.integer({ min: 0, max: 1440 }).filter((m) => !avoid(m));
  const range = fc
    .tuple(point, point)
    .filter(([s, e]) => s !== e)
    .map(([s, e]) => ({ start: hhmm(Math.min(s, e)), end: hhmm(Math.max(s, e)) }));
  return fc.array(range, { minLength: 0, maxLength: 3 });
}

type CalendarArbOptions = { zone: string; avoid: (m: number) => boolean; from: string; days: number };

/** Random calendar: weekly hours, make-up hours, and overrides for dates in [from, from + days). */
function calendarArb(opts: CalendarArbOptions): fc.Arbitrary<BusinessCalendar> {
  const ranges = rangesArb(opts.avoid);
  const start = Temporal.PlainDate.from(opts.from);
  const override = fc.record(
    {
      kind: fc.constantFrom('holiday' as const, 'workday' as const),
      hours: ranges,
    },
    { requiredKeys: ['kind'] },
  );
  return fc
    .record({
      weekly: fc.tuple(ranges, ranges, ranges, ranges, ranges, ranges, ranges),
      makeUp: ranges,
      overrides: fc.dictionary(
        fc.integer({ min: 0, max: opts.days - 1 }).map((i) => start.add({ days: i }).toString()),
        override,
        { maxKeys: 12 },
      ),
      covered: fc.subarray([2019, 2020, 2021, 2022, 2023, 2024, 2025]),
    })
    .map(({ weekly, makeUp, overrides, covered }) => ({
      name: 'RANDOM',
      zone: opts.zone,
      workingHours: {
        1: weekly[0],
        2: weekly[1],
        3: weekly[2],
        4: weekly[3],
        5: weekly[4],
        6: weekly[5],
        7: weekly[6],
      },
      makeUpDayHours: makeUp,
      days: overrides,
      coveredYears: covered,
    }));
}

type Scenario = { zone: string; avoid: (m: number) => boolean; anchors: string[] };

// Berlin anchors sit on DST changes (last Sundays of March and October) and a year end.
const SCENARIOS: Scenario[] = [
  { zone: 'Asia/Shanghai', avoid: () => false, anchors: ['2021-09-24', '2021-12-29', '2025-12-29'] },
  {
    zone: 'Europe/Berlin',
    avoid: (m) => m > 120 && m < 180,
    anchors: ['2021-03-26', '2021-10-29', '2024-03-29', '2024-10-25', '2025-12-29'],
  },
];

/** A calendar with overrides around the anchor, and an instant on the minute grid near it. */
function caseArb(s: Scenario): fc.Arbitrary<{ cal: BusinessCalendar; a: number }> {
  return fc.constantFrom(...s.anchors).chain((anchor) => {
    const from = Temporal.PlainDate.from(anchor).subtract({ days: 3 }).toString();
    return fc.record({
      cal: calendarArb({ zone: s.zone, avoid: s.avoid, from, days: 16 }).filter((cal) =>
        Object.values(cal.workingHours).some((r) => r.length > 0),
      ),
      a: fc.integer({ min: -1440, max: 5 * 1440 }).map((m) => Date.parse(`${anchor}T00:00:00Z`) + m * MINUTE),
    });
  });
}

const uncovered = (cal: BusinessCalendar, dates: Iterable<string>): number[] =>
  yearsOf(dates).filter((y) => !cal.coveredYears.includes(y));

for (const scenario of SCENARIOS) {
  describe(`calendar arithmetic vs a naive reference (${scenario.zone})`, () => {
    it('businessSecondsBetween counts exactly the business minutes, and warns for uncovered years', () => {
      fc.assert(
        fc.property(caseArb(scenario), fc.integer({ min: 0, max: 2 * 1440 }), ({ cal, a }, span) => {
          const b = a + span * MINUTE;
          const naive = naiveBusinessMinutes(cal, a, b);
          const r = businessSecondsBetween(cal, new Date(a), new Date(b));
          expect(r.value).toBe(naive.minutes * 60);
          expect(r.warnings.map((w) => w.year)).toEqual(uncovered(cal, naive.dates));
          expect(businessSecondsBetween(cal, new Date(b), new Date(a)).value).toBe(0 - naive.minutes * 60);
        }),
        { numRuns: 150 },
      );
    });

    it('addBusinessHours lands on the first instant with that much business time behind it', () => {
      fc.assert(
        fc.property(caseArb(scenario), fc.integer({ min: 1, max: 1500 }), ({ cal, a }, minutes) => {
          const r = addBusinessHours(cal, new Date(a), minutes / 60).value.getTime();
          fc.pre(r - a <= 4 * 1440 * MINUTE); // keep the minute-by-minute reference short
          expect(naiveBusinessMinutes(cal, a, r).minutes).toBe(minutes);
          expect(naiveBusinessMinutes(cal, r - MINUTE, r).minutes).toBe(1); // not a minute later than needed
        }),
        { numRuns: 150 },
      );
    });

    it('endOfNthBusinessDayAfter is the close of the n-th business day, walking day by day', () => {
      fc.assert(
        fc.property(caseArb(scenario), fc.integer({ min: 0, max: 4 }), ({ cal, a }, n) => {
          const naive = naiveNthBusinessDay(cal, a, n);
          const r = endOfNthBusinessDayAfter(cal, new Date(a), n);
          expect(r.value.getTime()).toBe(naiveDay(cal, naive.date).end);
          expect(naiveLocal(cal, r.value.getTime() - MINUTE).date).toBe(naive.date);
          expect(r.warnings.map((w) => w.year)).toEqual(uncovered(cal, naive.consulted));
        }),
        { numRuns: 150 },
      );
    });

    it('business time is additive over long spans and addBusinessHours composes', () => {
      fc.assert(
        fc.property(
          caseArb(scenario),
          fc.integer({ min: 0, max: 30 * 1440 }),
          fc.integer({ min: 0, max: 30 * 1440 }),
          fc.integer({ min: 0, max: 3000 }),
          fc.integer({ min: 0, max: 3000 }),
          ({ cal, a }, s1, s2, h1, h2) => {
            const b = a + s1 * MINUTE;
            const c = b + s2 * MINUTE;
            const sec = (x: number, y: number) => businessSecondsBetween(cal, new Date(x), new Date(y)).value;
            expect(sec(a, b) + sec(b, c)).toBe(sec(a, c));
            const add = (x: Date, m: number) => addBusinessHours(cal, x, m / 60).value;
            const once = add(new Date(a), h1 + h2);
            expect(add(add(new Date(a), h1), h2).getTime()).toBe(once.getTime());
            expect(sec(a, once.getTime())).toBe((h1 + h2) * 60);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
}
