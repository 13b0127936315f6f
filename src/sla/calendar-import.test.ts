import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBusinessCalendar, withDay, withImportedDays } from './calendar.schema.js';
import type { BusinessCalendar } from './calendar.types.js';
import { endOfNthBusinessDayAfter, isBusinessDay } from './calendar-arithmetic.js';
import { calendarDaysFromIcs, calendarDaysFromJson } from './calendar-import.js';
import { builtInCnCalendar } from './cn-calendar.js';

const fixtures = join(import.meta.dirname, '../../test/fixtures/holidays');
const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');

/** CN calendar as it would be for a deployment whose data stops at 2022. */
function cnUpTo2022(): BusinessCalendar {
  const cn = builtInCnCalendar();
  const days = Object.fromEntries(Object.entries(cn.days).filter(([date]) => date < '2022-12-31'));
  return { ...cn, days, coveredYears: cn.coveredYears.filter((y) => y <= 2022) };
}

describe('calendarDaysFromJson (holiday-cn)', () => {
  it('reads holidays and make-up workdays of the year', () => {
    const r = calendarDaysFromJson(JSON.parse(read('holiday-cn-2021.json')));
    expect(r.years).toEqual([2021]);
    expect(Object.keys(r.days)).toHaveLength(38);
    expect(r.days['2021-10-01']).toEqual({ kind: 'holiday', name: '国庆节' });
    expect(r.days['2021-09-26']).toEqual({ kind: 'workday', name: '国庆节' });
  });

  it('importing 2023 into a calendar that stopped at 2022 removes the warning and the guess', () => {
    const old = cnUpTo2022();
    const before = endOfNthBusinessDayAfter(old, new Date('2023-01-20T02:00:00Z'), 1);
    expect(before.warnings.map((w) => w.year)).toEqual([2023]);
    expect(before.value.toISOString()).toBe('2023-01-23T10:00:00.000Z'); // guessed: Spring Festival ignored

    const updated = withImportedDays(old, calendarDaysFromJson(JSON.parse(read('holiday-cn-2023.json'))));
    expect(updated.coveredYears).toContain(2023);
    const after = endOfNthBusinessDayAfter(updated, new Date('2023-01-20T02:00:00Z'), 1);
    expect(after.warnings).toEqual([]);
    expect(after.value.toISOString()).toBe('2023-01-28T10:00:00.000Z'); // Saturday make-up workday
    expect(isBusinessDay(updated, '2022-12-31').value).toBe(false); // listed in the 2023 file
    expect(old.coveredYears).not.toContain(2023); // the original is untouched
  });

  it('re-importing a year replaces its days', () => {
    const cn = builtInCnCalendar();
    const trimmed = {
      year: 2021,
      papers: [],
      days: [{ name: '国庆节', date: '2021-10-01', isOffDay: true }],
    };
    const updated = withImportedDays(cn, calendarDaysFromJson(trimmed));
    expect(isBusinessDay(updated, '2021-10-04').value).toBe(true);
    expect(isBusinessDay(updated, '2021-10-01').value).toBe(false);
    expect(isBusinessDay(updated, '2022-10-04').value).toBe(false);
  });

  it('rejects other JSON with calendar.bad_import', () => {
    expect(() => calendarDaysFromJson({ year: 2021, days: [] })).toThrow(
      expect.objectContaining({ code: 'calendar.bad_import' }),
    );
    expect(() =>
      calendarDaysFromJson({
        year: 2021,
        papers: [],
        days: [{ name: 'x', date: '2021-02-30', isOffDay: true }],
      }),
    ).toThrow(expect.objectContaining({ code: 'calendar.bad_import' }));
    const clash = [
      { name: 'a', date: '2021-10-01', isOffDay: true },
      { name: 'b', date: '2021-10-01', isOffDay: false },
    ];
    expect(() => calendarDaysFromJson({ year: 2021, papers: [], days: clash })).toThrow(
      expect.objectContaining({ code: 'calendar.bad_import' }),
    );
  });
});

describe('calendarDaysFromIcs', () => {
  it('reads chinese-days 2021.ics to the same days as holiday-cn 2021', () => {
    const ics = calendarDaysFromIcs(read('chinese-days-2021.ics'));
    const json = calendarDaysFromJson(JSON.parse(read('holiday-cn-2021.json')));
    expect(ics.years).toEqual([2021]);
    const kinds = (days: typeof ics.days) =>
      Object.fromEntries(Object.entries(days).map(([date, day]) => [date, day.kind]));
    expect(kinds(ics.days)).toEqual(kinds(json.days));
    expect(ics.days['2021-10-07']).toEqual({ kind: 'holiday', name: '国庆节' });
    expect(ics.days['2021-10-09']).toEqual({ kind: 'workday', name: '国庆节' });
  });

  const vcal = (...events: string[]) =>
    ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, 'END:VCALENDAR'].join('\r\n');
  const event = (lines: string[]) =>
    ['BEGIN:VEVENT', 'UID:x', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');

  it('tells workdays from holidays by summary words, and one-day events without DTEND', () => {
    const r = calendarDaysFromIcs(
      vcal(
        event(['DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:20270104', 'SUMMARY:New Year holiday']),
        event(['DTSTART;VALUE=DATE:20270207', 'SUMMARY:春节补班']),
        event(['DTSTART;VALUE=DATE:20270220', 'SUMMARY:Make-up working day']),
        event(['DTSTART;VALUE=DATE:20270501', 'SUMMARY:劳动节放假调休']),
      ),
    );
    expect(r.years).toEqual([2027]);
    expect(r.days).toEqual({
      '2027-01-01': { kind: 'holiday', name: 'New Year holiday' },
      '2027-01-02': { kind: 'holiday', name: 'New Year holiday' },
      '2027-01-03': { kind: 'holiday', name: 'New Year holiday' },
      '2027-02-07': { kind: 'workday', name: '春节补班' },
      '2027-02-20': { kind: 'workday', name: 'Make-up working day' },
      '2027-05-01': { kind: 'holiday', name: '劳动节放假调休' },
    });
    const cal = withImportedDays(builtInCnCalendar(), r);
    expect(isBusinessDay(cal, '2027-01-01')).toEqual({ value: false, warnings: [] });
    expect(isBusinessDay(cal, '2027-02-07').value).toBe(true); // Sunday
  });

  it('keeps only the requested year', () => {
    const r = calendarDaysFromIcs(
      vcal(event(['DTSTART;VALUE=DATE:20261231', 'DTEND;VALUE=DATE:20270102', 'SUMMARY:元旦(休)'])),
      { year: 2027 },
    );
    expect(r).toEqual({ years: [2027], days: { '2027-01-01': { kind: 'holiday', name: '元旦' } } });
  });

  it('rejects timed and recurring events and non-ICS text', () => {
    const timed = vcal(event(['DTSTART:20270101T090000Z', 'SUMMARY:meeting']));
    expect(() => calendarDaysFromIcs(timed)).toThrow(
      expect.objectContaining({ code: 'calendar.bad_import' }),
    );
    const yearly = vcal(event(['DTSTART;VALUE=DATE:20270101', 'RRULE:FREQ=YEARLY', 'SUMMARY:New Year']));
    expect(() => calendarDaysFromIcs(yearly)).toThrow(
      expect.objectContaining({ code: 'calendar.bad_import' }),
    );
    expect(() => calendarDaysFromIcs('hello')).toThrow(
      expect.objectContaining({ code: 'calendar.bad_import' }),
    );
  });
});

describe('admin edits and validation', () => {
  it('adds, changes and removes one day', () => {
    const cn = builtInCnCalendar();
    const closed = withDay(cn, '2021-09-28', { kind: 'holiday', name: 'Office move' });
    expect(isBusinessDay(closed, '2021-09-28').value).toBe(false);
    const reopened = withDay(closed, '2021-10-01', null);
    expect(isBusinessDay(reopened, '2021-10-01').value).toBe(true);
    expect(isBusinessDay(cn, '2021-09-28').value).toBe(true);
    expect(() => withDay(cn, '2021-13-01', { kind: 'holiday' })).toThrow(
      expect.objectContaining({ code: 'calendar.bad_date' }),
    );
  });

  it('parseBusinessCalendar accepts a stored calendar and rejects a broken one', () => {
    const cn = builtInCnCalendar();
    expect(parseBusinessCalendar(JSON.parse(JSON.stringify(cn)))).toEqual(cn);
    expect(() => parseBusinessCalendar({ ...cn, zone: 'Nowhere/City' })).toThrow(
      expect.objectContaining({ code: 'calendar.bad_zone' }),
    );
    expect(() => parseBusinessCalendar({ ...cn, days: { '2021-1-1': { kind: 'holiday' } } })).toThrow(
      expect.objectContaining({ code: 'calendar.invalid' }),
    );
  });
});
