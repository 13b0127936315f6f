import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { BusinessCalendar, CalendarDay, TimeRange } from './calendar.types.js';

/**
 * The built-in Chinese business calendar, from the raw data file that the `chinese-days` package
 * ships (`dist/chinese-days.json`: `holidays` and `workdays` maps of `YYYY-MM-DD` to
 * `"English name,中文名,days"`). `workdays` are the make-up workdays (调休/补班) on weekends.
 */

const officeHours = (): TimeRange[] => [{ start: '09:00', end: '18:00' }];

function chineseName(raw: string): string | undefined {
  const parts = raw.split(',');
  return parts[1] || parts[0] || undefined;
}

function namedDay(kind: CalendarDay['kind'], raw: string): CalendarDay {
  const name = chineseName(raw);
  return name ? { kind, name } : { kind };
}

/**
 * CN: Asia/Shanghai, Monday–Friday 09:00–18:00, public holidays and make-up workdays (which use
 * the same 09:00–18:00) from chinese-days; `coveredYears` are the years that data lists.
 * Returns a fresh object each call, so callers may edit their copy.
 */
export function builtInCnCalendar(): BusinessCalendar {
  const days: Record<string, CalendarDay> = {};
  const years = new Set<number>();
  for (const [date, raw] of Object.entries(chineseDays.holidays as Record<string, string>)) {
    days[date] = namedDay('holiday', raw);
    // A year counts as covered when its Spring Festival is listed: a stray date just across New
    // Year (2022-12-31 belongs to the 2023 arrangement) must not mark a year without data as known.
    if (raw.includes('春节')) years.add(Number(date.slice(0, 4)));
  }
  for (const [date, raw] of Object.entries(chineseDays.workdays as Record<string, string>)) {
    days[date] = namedDay('workday', raw);
  }
  return {
    name: 'CN',
    zone: 'Asia/Shanghai',
    workingHours: {
      1: officeHours(),
      2: officeHours(),
      3: officeHours(),
      4: officeHours(),
      5: officeHours(),
      6: [],
      7: [],
    },
    makeUpDayHours: officeHours(),
    days,
    coveredYears: [...years].sort((a, b) => a - b),
  };
}
