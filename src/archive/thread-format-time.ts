/**
 * Times in thread archives, written the way Python prints an aware datetime:
 * `2021-09-22 17:01:10.450000+00:00`. A `Date` holds only milliseconds, so the sub-millisecond
 * part travels beside it as `micros` (0–999).
 *
 * @example
 * parseArchiveTime('2021-09-22 17:01:10.450123+00:00');
 * // { sentAt: 2021-09-22T17:01:10.450Z, sentAtMicros: 123 }
 * formatArchiveTime('2021-09-23T01:01:10.450123+08:00'); // '2021-09-22 17:01:10.450123+00:00'
 */
import { invalid } from '../platform/errors.js';

export type ArchiveInstant = { sentAt: Date; sentAtMicros: number };

// Date and time, `T` or space between, 0–6 fraction digits (Python omits them when zero), and an offset.
const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/;

/** Reads an archive (or ISO 8601) time with an explicit offset; `undefined` when it is not one. */
export function parseArchiveTime(text: string): ArchiveInstant | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = (m[7] ?? '').padEnd(6, '0');
  const offset = m[8] ?? 'Z';
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = offset === 'Z' ? 0 : offsetToMinutes(offset);
  if (offsetMinutes === undefined) return undefined;

  // setUTCFullYear, because Date.UTC maps years 0–99 to 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3)));
  return { sentAt: new Date(d.getTime() - offsetMinutes * 60_000), sentAtMicros: Number(fraction.slice(3)) };
}

/**
 * Formats an instant as an archive time in UTC with six fraction digits.
 * Accepts an ISO string with an offset and up to 6 fraction digits, or a `Date` plus its sub-millisecond `micros`.
 * Throws `archive.bad_time` for anything else.
 */
export function formatArchiveTime(input: string | Date, micros = 0): string {
  let instant: ArchiveInstant | undefined;
  if (typeof input === 'string') {
    instant = parseArchiveTime(input);
  } else if (!Number.isNaN(input.getTime()) && Number.isInteger(micros) && micros >= 0 && micros <= 999) {
    instant = { sentAt: input, sentAtMicros: micros };
  }
  const year = instant?.sentAt.getUTCFullYear();
  if (!instant || year === undefined || year < 0 || year > 9999) {
    throw invalid('archive.bad_time', `Not a time an archive can hold: ${String(input)}`, {
      input: String(input),
    });
  }
  const d = instant.sentAt;
  const p = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${p(year, 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  const time = `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  return `${date} ${time}.${p(d.getUTCMilliseconds(), 3)}${p(instant.sentAtMicros, 3)}+00:00`;
}

function offsetToMinutes(offset: string): number | undefined {
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
