import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceCursor, newUids, planFetch } from './imap-cursor.js';

describe('IMAP cursor', () => {
  it('starts at UID 1 on a mailbox never seen', () => {
    expect(planFetch(null, 77)).toEqual({
      fromUid: 1,
      resync: false,
      cursor: { uidValidity: 77, lastUid: 0 },
    });
  });
  it('resumes after the last UID stored', () => {
    expect(planFetch({ uidValidity: 77, lastUid: 41 }, 77)).toMatchObject({ fromUid: 42, resync: false });
  });
  it('starts over when UIDVALIDITY changed', () => {
    expect(planFetch({ uidValidity: 77, lastUid: 41 }, 78)).toEqual({
      fromUid: 1,
      resync: true,
      cursor: { uidValidity: 78, lastUid: 0 },
    });
  });
  it('ignores the highest message that `N:*` returns when nothing is new', () => {
    expect(newUids({ uidValidity: 1, lastUid: 9 }, [9])).toEqual([]);
    expect(newUids({ uidValidity: 1, lastUid: 9 }, [12, 10, 9, 10])).toEqual([10, 12]);
  });
  it('never moves backwards (property)', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.array(fc.nat(2000)), (last, uids) => {
        const next = advanceCursor({ uidValidity: 5, lastUid: last }, uids);
        return next.lastUid >= last && next.lastUid === Math.max(last, ...uids) && next.uidValidity === 5;
      }),
    );
  });
});
