import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoInstant } from './iso-instant.js';

describe('isoInstant', () => {
  it('formats as toISOString does, for any instant Date can hold', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('gets the edges of a day and of the epoch right', () => {
    for (const ms of [
      0,
      -1,
      86_399_999,
      86_400_000,
      Date.parse('2026-12-31T23:59:59.999Z'),
      8.64e15,
      -8.64e15,
    ])
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
  });

  it('formats fractions as toISOString does and throws on what it throws on', () => {
    expect(isoInstant(1.5)).toBe(new Date(1.5).toISOString());
    expect(() => isoInstant(Number.NaN)).toThrow(RangeError);
    expect(() => isoInstant(8.64e15 + 1)).toThrow(RangeError);
  });
});
