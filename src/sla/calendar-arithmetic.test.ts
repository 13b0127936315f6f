import { describe, expect, it } from 'vitest';
import type { BusinessCalendar, TimeRange } from './calendar.types.js';
import {
  addBusinessDays,
  addBusinessHours,
  businessSecondsBetween,
  endOfNthBusinessDayAfter,
  isBusinessDay,
  localDateOf,
} from './calendar-arithmetic.js';
import { builtInCnCalendar } from './cn-calendar.js';

const cn = builtInCnCalendar();
const d = (iso: string) => new Date(iso);
const H = 3600;

function calendar(
  zone: string,
  weekday: TimeRange[],
  extra: Partial<BusinessCalendar> = {},
): BusinessCalendar {
  return {
    name: 'TEST',
    zone,
    workingHours: { 1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: weekday, 6: [], 7: weekday },
    makeUpDayHours: [],
    days: {},
    coveredYears: [2021],
    ...extra,
  };
}

describe('business days (CN)', () => {
  it('counts from the local (Shanghai) date, not the UTC date', () => {
    // 2021-10-08T16:41Z is already Saturday 2021-10-09 (a make-up workday) in Shanghai.
    expect(localDateOf(cn, d('2021-10-08T16:41:49.816Z'))).toBe('2021-10-09');
    expect(addBusinessDays(cn, d('2021-10-08T16:41:49.816Z'), 1).value).toBe('2021-10-11');
    expect(addBusinessDays(cn, d('2021-10-08T15:59:59.999Z'), 1).value).toBe('2021-10-09');
  });

  it('skips the National Day week', () => {
    expect(addBusinessDays(cn, d('2021-09-29T13:31:30Z'), 2).value).toBe('2021-10-08');
    expect(endOfNthBusinessDayAfter(cn, d('2021-09-29T13:31:30Z'), 2).value.toISOString()).toBe(
      '2021-10-08T10:00:00.000Z',
    );
  });

  it('n = 0 is the day itself when it is a business day, else the next one', () => {
    expect(addBusinessDays(cn, d('2021-09-29T01:00:00Z'), 0).value).toBe('2021-09-29');
    expect(addBusinessDays(cn, d('2021-10-02T01:00:00Z'), 0).value).toBe('2021-10-08');
    expect(endOfNthBusinessDayAfter(cn, d('2021-09-29T23:00:00Z'), 0).value.toISOString()).toBe(
      '2021-09-30T10:00:00.000Z',
    );
  });

  it('takes a date string or an instant', () => {
    expect(isBusinessDay(cn, '2021-09-26').value).toBe(true);
    expect(isBusinessDay(cn, d('2021-09-25T17:00:00Z')).value).toBe(true); // 09-26 01:00 Shanghai
    expect(isBusinessDay(cn, d('2021-09-25T15:00:00Z')).value).toBe(false); // Saturday 23:00
  });

  it('rejects negative or fractional counts', () => {
    expect(() => addBusinessDays(cn, d('2021-09-29T01:00:00Z'), -1)).toThrow(
      expect.objectContaining({ code: 'calendar.bad_count' }),
    );
    expect(() => endOfNthBusinessDayAfter(cn, d('2021-09-29T01:00:00Z'), 1.5)).toThrow(
      expect.objectContaining({ code: 'calendar.bad_count' }),
    );
  });
});

describe('business time (CN)', () => {
  it('counts only 09:00–18:00 on business days', () => {
    // Thu 09-30 10:00 → Fri 10-08 10:00 Shanghai: 8 h on 09-30, holidays, 1 h on 10-08.
    expect(businessSecondsBetween(cn, d('2021-09-30T02:00:00Z'), d('2021-10-08T02:00:00Z')).value).toBe(
      9 * H,
    );
    expect(businessSecondsBetween(cn, d('2021-10-02T02:00:00Z'), d('2021-10-05T02:00:00Z')).value).toBe(0);
    expect(
      businessSecondsBetween(cn, d('2021-09-22T17:01:10.450Z'), d('2021-09-22T17:19:56.362Z')).value,
    ).toBe(0);
    expect(businessSecondsBetween(cn, d('2021-09-23T01:00:00.250Z'), d('2021-09-23T01:00:01Z')).value).toBe(
      0.75,
    );
  });

  it('is negative when the end comes first', () => {
    expect(businessSecondsBetween(cn, d('2021-09-30T03:00:00Z'), d('2021-09-30T02:00:00Z')).value).toBe(-H);
  });

  it('adds hours across closing time and holidays', () => {
    // Thu 09-30 17:00 + 2 h: one hour that day, then the next opening is Fri 10-08 09:00 → 10:00.
    expect(addBusinessHours(cn, d('2021-09-30T09:00:00Z'), 2).value.toISOString()).toBe(
      '2021-10-08T02:00:00.000Z',
    );
    // From outside hours, counting starts at the next opening (Sunday 09-26 is a make-up workday).
    expect(addBusinessHours(cn, d('2021-09-25T12:00:00Z'), 1).value.toISOString()).toBe(
      '2021-09-26T02:00:00.000Z',
    );
  });

  it('stops at closing time rather than the next opening, and adds nothing for 0 hours', () => {
    expect(addBusinessHours(cn, d('2021-09-30T01:00:00Z'), 9).value.toISOString()).toBe(
      '2021-09-30T10:00:00.000Z',
    );
    expect(addBusinessHours(cn, d('2021-10-02T05:00:00Z'), 0).value.toISOString()).toBe(
      '2021-10-02T05:00:00.000Z',
    );
    expect(() => addBusinessHours(cn, d('2021-10-02T05:00:00Z'), -1)).toThrow(
      expect.objectContaining({ code: 'calendar.bad_amount' }),
    );
  });

  it('honours split hours (a lunch break) and per-day hours', () => {
    const cal = calendar(
      'Asia/Shanghai',
      [
        { start: '13:00', end: '18:00' },
        { start: '09:00', end: '12:00' },
      ],
      { days: { '2021-09-29': { kind: 'workday', hours: [{ start: '09:00', end: '10:00' }] } } },
    );
    expect(businessSecondsBetween(cal, d('2021-09-28T00:00:00Z'), d('2021-09-28T16:00:00Z')).value).toBe(
      8 * H,
    );
    expect(addBusinessHours(cal, d('2021-09-28T01:00:00Z'), 4).value.toISOString()).toBe(
      '2021-09-28T06:00:00.000Z',
    );
    expect(businessSecondsBetween(cal, d('2021-09-29T00:00:00Z'), d('2021-09-29T16:00:00Z')).value).toBe(H);
  });
});

describe('daylight saving time (Europe/Berlin)', () => {
  const office = calendar('Europe/Berlin', [{ start: '09:00', end: '18:00' }]);

  it('gives no time to hours that lie wholly in the spring-forward gap (found by the property test)', () => {
    // Sundays 02:00–03:00 only: on 2021-03-28 that hour does not exist, so the first business minute
    // is on 2021-04-04 — not everything since the previous autumn's transition.
    const sundayNight: BusinessCalendar = {
      ...calendar('Europe/Berlin', []),
      workingHours: { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [{ start: '02:00', end: '03:00' }] },
    };
    const friday = d('2021-03-26T00:00:00Z');
    expect(businessSecondsBetween(sundayNight, friday, d('2021-03-28T12:00:00Z')).value).toBe(0);
    expect(addBusinessHours(sundayNight, friday, 1 / 60).value.toISOString()).toBe(
      '2021-04-04T00:01:00.000Z',
    );
  });

  it('keeps 09:00–18:00 local on the days the clocks change', () => {
    // Sunday 2021-03-28 (CET → CEST) and Sunday 2021-10-31 (CEST → CET) are working days here.
    expect(businessSecondsBetween(office, d('2021-03-27T23:00:00Z'), d('2021-03-28T22:00:00Z')).value).toBe(
      9 * H,
    );
    expect(endOfNthBusinessDayAfter(office, d('2021-03-27T12:00:00Z'), 1).value.toISOString()).toBe(
      '2021-03-28T16:00:00.000Z',
    );
    expect(endOfNthBusinessDayAfter(office, d('2021-03-26T12:00:00Z'), 1).value.toISOString()).toBe(
      '2021-03-28T16:00:00.000Z', // Saturday has no hours
    );
    expect(endOfNthBusinessDayAfter(office, d('2021-10-30T12:00:00Z'), 1).value.toISOString()).toBe(
      '2021-10-31T17:00:00.000Z',
    );
  });

  it('counts real elapsed time across the change: 01:00–04:00 is 2 h in March and 4 h in October', () => {
    const night = calendar('Europe/Berlin', [{ start: '01:00', end: '04:00' }]);
    expect(businessSecondsBetween(night, d('2021-03-27T23:00:00Z'), d('2021-03-28T22:00:00Z')).value).toBe(
      2 * H,
    );
    expect(businessSecondsBetween(night, d('2021-10-30T22:00:00Z'), d('2021-10-31T23:00:00Z')).value).toBe(
      4 * H,
    );
  });

  it('opens at the first moment the clock reads the opening time (gap: the jump; repeat: the first pass)', () => {
    const odd = calendar('Europe/Berlin', [{ start: '02:30', end: '05:00' }]);
    // 2021-03-28 02:30 does not exist; clocks jump 02:00 CET → 03:00 CEST (01:00Z); open until 05:00 CEST (03:00Z).
    expect(businessSecondsBetween(odd, d('2021-03-27T23:00:00Z'), d('2021-03-28T22:00:00Z')).value).toBe(
      2 * H,
    );
    expect(addBusinessHours(odd, d('2021-03-27T23:00:00Z'), 0.5).value.toISOString()).toBe(
      '2021-03-28T01:30:00.000Z',
    );
    // 2021-10-31 02:30 happens twice; the office opens at the first (00:30Z) and closes 05:00 CET (04:00Z).
    expect(businessSecondsBetween(odd, d('2021-10-30T22:00:00Z'), d('2021-10-31T23:00:00Z')).value).toBe(
      3.5 * H,
    );
    const whole = calendar('Europe/Berlin', [{ start: '02:10', end: '02:50' }]);
    expect(isBusinessDay(whole, '2021-03-28').value).toBe(false); // wholly inside the gap
    expect(isBusinessDay(whole, '2021-03-29').value).toBe(true);
  });
});

describe('calendar validation', () => {
  it('rejects an unknown zone and inverted hours', () => {
    expect(() => isBusinessDay(calendar('Mars/Olympus', []), '2021-01-04')).toThrow(
      expect.objectContaining({ code: 'calendar.bad_zone' }),
    );
    expect(() => isBusinessDay(calendar('UTC', [{ start: '18:00', end: '09:00' }]), '2021-01-04')).toThrow(
      expect.objectContaining({ code: 'calendar.bad_hours' }),
    );
    expect(() => isBusinessDay(calendar('UTC', [{ start: '9:00', end: '18:00' }]), '2021-01-04')).toThrow(
      expect.objectContaining({ code: 'calendar.bad_hours' }),
    );
  });

  it('gives up with an error instead of looping on a calendar without business hours', () => {
    expect(() => endOfNthBusinessDayAfter(calendar('UTC', []), d('2021-01-04T00:00:00Z'), 1)).toThrow(
      expect.objectContaining({ code: 'calendar.no_business_days' }),
    );
    expect(() => addBusinessHours(calendar('UTC', []), d('2021-01-04T00:00:00Z'), 1)).toThrow(
      expect.objectContaining({ code: 'calendar.no_business_days' }),
    );
  });

  it('warns once per uncovered year, in order, for a span across years', () => {
    const r = businessSecondsBetween(cn, d('2026-12-01T00:00:00Z'), d('2028-02-01T00:00:00Z'));
    expect(r.warnings.map((w) => w.year)).toEqual([2027, 2028]);
    expect(r.warnings.every((w) => w.code === 'calendar.year_not_covered' && w.calendar === 'CN')).toBe(true);
  });
});
