import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import chineseDays from 'chinese-days';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessDays, endOfNthBusinessDayAfter, isBusinessDay } from './calendar-arithmetic.js';
import { builtInCnCalendar } from './cn-calendar.js';

const fixtures = join(import.meta.dirname, '../../test/fixtures/holidays');
type HolidayCnFile = { year: number; days: { name: string; date: string; isOffDay: boolean }[] };
const holidayCn = (year: number): HolidayCnFile =>
  JSON.parse(readFileSync(join(fixtures, `holiday-cn-${year}.json`), 'utf8')) as HolidayCnFile;

const cn = builtInCnCalendar();

describe('builtInCnCalendar', () => {
  it('is Asia/Shanghai, Mon–Fri 09:00–18:00, covering the chinese-days years 2004–2026', () => {
    expect(cn.name).toBe('CN');
    expect(cn.zone).toBe('Asia/Shanghai');
    expect(cn.workingHours[1]).toEqual([{ start: '09:00', end: '18:00' }]);
    expect(cn.workingHours[6]).toEqual([]);
    expect(cn.coveredYears[0]).toBe(2004);
    expect(cn.coveredYears.at(-1)).toBe(2026);
    expect(cn.coveredYears).toHaveLength(23);
  });

  it('survives a JSON round trip unchanged (plain data)', () => {
    expect(JSON.parse(JSON.stringify(cn))).toEqual(cn);
  });

  for (const year of [2021, 2022, 2023, 2024, 2025, 2026]) {
    it(`agrees with holiday-cn ${year} on every listed day`, () => {
      const file = holidayCn(year);
      expect(file.days.length).toBeGreaterThan(30);
      for (const d of file.days) {
        const r = isBusinessDay(cn, d.date);
        expect({ date: d.date, business: r.value }).toEqual({ date: d.date, business: !d.isOffDay });
        expect(r.warnings).toEqual([]);
      }
    });
  }

  it('has the 2021 National Day holidays and the make-up workdays around them', () => {
    for (let d = 1; d <= 7; d++) expect(isBusinessDay(cn, `2021-10-0${d}`).value).toBe(false);
    expect(isBusinessDay(cn, '2021-09-26').value).toBe(true); // Sunday
    expect(isBusinessDay(cn, '2021-10-09').value).toBe(true); // Saturday
    expect(isBusinessDay(cn, '2021-10-10').value).toBe(false); // plain Sunday
    expect(cn.days['2021-10-01']).toEqual({ kind: 'holiday', name: '国庆节' });
  });

  it('gives make-up workdays the normal 09:00–18:00', () => {
    // Saturday 2021-10-09 is the 1st business day after Friday 2021-10-08 (Shanghai).
    const due = endOfNthBusinessDayAfter(cn, new Date('2021-10-08T03:00:00Z'), 1);
    expect(due.value.toISOString()).toBe('2021-10-09T10:00:00.000Z');
  });

  it('matches chinese-days findWorkday for any covered date and count', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2004-01-01T00:00:00Z'),
          max: new Date('2026-11-30T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 15 }),
        (instant, n) => {
          const local = new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
          const r = addBusinessDays(cn, instant, n);
          expect(r.value).toBe(chineseDays.findWorkday(n, local));
          expect(r.warnings).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('warns, naming the year, when a computation reaches 2027 (no data)', () => {
    const r = endOfNthBusinessDayAfter(cn, new Date('2026-12-30T02:00:00Z'), 2);
    // 2027-01-01 is treated as a plain Friday: 12-31 (1), 2027-01-01 (2).
    expect(r.value.toISOString()).toBe('2027-01-01T10:00:00.000Z');
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: 'calendar.year_not_covered', year: 2027, calendar: 'CN' }),
    ]);
    expect(r.warnings[0]?.message).toContain('2027');
    expect(isBusinessDay(cn, '2027-10-01').warnings.map((w) => w.year)).toEqual([2027]);
    expect(isBusinessDay(cn, '2003-05-01').warnings.map((w) => w.year)).toEqual([2003]);
  });
});
