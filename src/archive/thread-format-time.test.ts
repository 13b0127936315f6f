import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../platform/errors.js';
import { formatArchiveTime, parseArchiveTime } from './thread-format-time.js';

function iso(text: string): [string, number] | undefined {
  const t = parseArchiveTime(text);
  return t && [t.sentAt.toISOString(), t.sentAtMicros];
}

function badTime(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  throw new Error('no error');
}

describe('parseArchiveTime', () => {
  it.each<[string, [string, number]]>([
    ['2021-09-22 17:01:10.450000+00:00', ['2021-09-22T17:01:10.450Z', 0]],
    ['2021-09-22 17:01:10.450123+00:00', ['2021-09-22T17:01:10.450Z', 123]],
    ['2021-09-22 17:01:10+00:00', ['2021-09-22T17:01:10.000Z', 0]],
    ['2021-09-22 17:01:10.4+00:00', ['2021-09-22T17:01:10.400Z', 0]],
    ['2021-09-23 01:01:10.000001+08:00', ['2021-09-22T17:01:10.000Z', 1]],
    ['2021-09-22 12:31:10.999999-04:30', ['2021-09-22T17:01:10.999Z', 999]],
    ['2021-09-22T17:01:10.450Z', ['2021-09-22T17:01:10.450Z', 0]],
    ['2024-02-29 00:00:00+00:00', ['2024-02-29T00:00:00.000Z', 0]],
    ['0050-01-01 00:00:00+00:00', ['0050-01-01T00:00:00.000Z', 0]],
  ])('reads %s', (text, expected) => {
    expect(iso(text)).toEqual(expected);
  });

  it.each([
    '2021-09-22 17:01:10.450000',
    '2021-09-22 17:01:10.4500001+00:00',
    '2023-02-29 00:00:00+00:00',
    '1900-02-29 00:00:00+00:00',
    '2021-04-31 00:00:00+00:00',
    '2021-13-01 00:00:00+00:00',
    '2021-09-22 24:00:00+00:00',
    '2021-09-22 17:60:00+00:00',
    '2021-09-22 17:01:60+00:00',
    '2021-09-22 17:01:10+24:00',
    '2021-09-22 17:01:10 +00:00',
    '2021-9-22 17:01:10+00:00',
    ' 2021-09-22 17:01:10+00:00',
    '',
  ])('refuses %j', (text) => {
    expect(parseArchiveTime(text)).toBeUndefined();
  });
});

describe('formatArchiveTime', () => {
  it('writes UTC with six fraction digits, from ISO strings with up to 6 digits', () => {
    expect(formatArchiveTime('2021-09-22T17:01:10.450123Z')).toBe('2021-09-22 17:01:10.450123+00:00');
    expect(formatArchiveTime('2021-09-23T01:01:10.45+08:00')).toBe('2021-09-22 17:01:10.450000+00:00');
    expect(formatArchiveTime('2021-09-22T17:01:10Z')).toBe('2021-09-22 17:01:10.000000+00:00');
  });

  it('writes a Date, with the microseconds it cannot hold passed beside it', () => {
    const d = new Date('2021-09-22T17:01:10.450Z');
    expect(formatArchiveTime(d)).toBe('2021-09-22 17:01:10.450000+00:00');
    expect(formatArchiveTime(d, 7)).toBe('2021-09-22 17:01:10.450007+00:00');
  });

  it.each<[string, () => string]>([
    ['a time without offset (its instant is unknown)', () => formatArchiveTime('2021-09-22T17:01:10.450123')],
    ['7 fraction digits', () => formatArchiveTime('2021-09-22T17:01:10.4501234Z')],
    ['garbage', () => formatArchiveTime('next Tuesday')],
    ['an invalid Date', () => formatArchiveTime(new Date(Number.NaN))],
    ['micros out of range', () => formatArchiveTime(new Date(0), 1000)],
    ['fractional micros', () => formatArchiveTime(new Date(0), 1.5)],
    ['a year past 9999', () => formatArchiveTime(new Date('+010000-01-01T00:00:00Z'))],
  ])('refuses %s', (_, fn) => {
    expect(badTime(fn)).toBe('archive.bad_time');
  });

  it('round-trips any instant and microsecond through the archive text', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 999 }),
        (date, micros) => {
          const back = parseArchiveTime(formatArchiveTime(date, micros));
          expect(back?.sentAt.getTime()).toBe(date.getTime());
          expect(back?.sentAtMicros).toBe(micros);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
