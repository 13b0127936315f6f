import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCaseNumber, formatTrackingToken, isCaseNumber, randomCaseSuffix } from './case-number.js';

describe('case numbers', () => {
  it('formats like the seed case', () => {
    expect(formatCaseNumber(4814, 'C9T9D0')).toBe('CAS-04814-C9T9D0');
    expect(isCaseNumber('CAS-04814-C9T9D0')).toBe(true);
    expect(isCaseNumber('CAS-4814-C9T9D0')).toBe(false);
    expect(isCaseNumber('CAS-04814-c9t9d0')).toBe(false);
  });

  it('always yields a valid number for any sequence value and random source', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 2 ** 31 }), (seq, seed) => {
        let state = seed;
        const random = (max: number) => {
          state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
          return state % max;
        };
        expect(isCaseNumber(formatCaseNumber(seq, randomCaseSuffix(random)))).toBe(true);
      }),
    );
  });

  it('formats tracking tokens with seven digits', () => {
    expect(formatTrackingToken('CMIT', 1334)).toBe('CMIT:0001334');
  });
});
