import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CaseFacts,
  caseEffects,
  DEFAULT_REOPEN_WINDOW_MS,
  decideThread,
  followMerges,
  mayWriteInto,
  type SenderFacts,
  type ThreadCandidates,
  type ThreadVia,
} from './thread-decision.js';

const now = new Date('2026-05-06T02:00:00Z');
const policy = { reopenWindowMs: DEFAULT_REOPEN_WINDOW_MS };
const DAY = 24 * 3600 * 1000;

const icbcCase = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  id: 'case-icbc',
  number: 'CAS-04814-C9T9D0',
  accountId: 'acc-icbc',
  status: 'in_progress',
  closedAt: null,
  participantAddresses: ['wang@icbc.com.cn'],
  ...over,
});
const otherCase = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  id: 'case-other',
  number: 'CAS-00002-AAAAAA',
  accountId: 'acc-other',
  status: 'in_progress',
  closedAt: null,
  participantAddresses: [],
  ...over,
});
const none: ThreadCandidates = { reference: null, token: null, tag: null, thread_index: null };
const customer: SenderFacts = { address: 'li@icbc.com.cn', accountId: 'acc-icbc', isEngineer: false };
const stranger: SenderFacts = { address: 'mallory@evil.example', accountId: null, isEngineer: false };

describe('decideThread', () => {
  it('opens a new case when nothing matches', () => {
    expect(decideThread(none, customer, now, policy)).toEqual({ kind: 'new_case' });
  });

  it.each<ThreadVia>(['reference', 'token', 'tag', 'thread_index'])('attaches by %s alone', (via) => {
    expect(decideThread({ ...none, [via]: icbcCase() }, customer, now, policy)).toEqual({
      kind: 'attach',
      caseId: 'case-icbc',
      via,
      reopen: false,
    });
  });

  it('follows the issue order: reference, then token, then tag, then Thread-Index', () => {
    const a = icbcCase({ id: 'a' });
    const b = icbcCase({ id: 'b' });
    const c = icbcCase({ id: 'c' });
    const d = icbcCase({ id: 'd' });
    expect(
      decideThread({ reference: a, token: b, tag: c, thread_index: d }, customer, now, policy),
    ).toMatchObject({ caseId: 'a', via: 'reference' });
    expect(
      decideThread({ reference: null, token: b, tag: c, thread_index: d }, customer, now, policy),
    ).toMatchObject({ caseId: 'b', via: 'token' });
    expect(
      decideThread({ reference: null, token: null, tag: c, thread_index: d }, customer, now, policy),
    ).toMatchObject({ caseId: 'c', via: 'tag' });
  });

  it('sends a forged tag from a stranger to review, naming the case', () => {
    const d = decideThread({ ...none, tag: icbcCase() }, stranger, now, policy);
    expect(d).toMatchObject({ kind: 'review', namedNumber: 'CAS-04814-C9T9D0', via: 'tag' });
    if (d.kind === 'review') expect(d.reason).toContain('mallory@evil.example');
  });

  it('does not fall through to a weaker match when the first one is refused', () => {
    const d = decideThread({ ...none, token: otherCase(), tag: icbcCase() }, customer, now, policy);
    expect(d).toMatchObject({ kind: 'review', namedCaseId: 'case-other', via: 'token' });
  });

  it('lets participants, colleagues of the account and engineers write', () => {
    const thirdParty: SenderFacts = { address: 'it@outsourcer.example', accountId: null, isEngineer: false };
    expect(
      decideThread(
        { ...none, tag: icbcCase({ participantAddresses: ['it@outsourcer.example'] }) },
        thirdParty,
        now,
        policy,
      ).kind,
    ).toBe('attach');
    expect(decideThread({ ...none, tag: icbcCase() }, customer, now, policy).kind).toBe('attach');
    expect(
      decideThread(
        { ...none, tag: otherCase() },
        { address: 'eng@vendor.example', accountId: null, isEngineer: true },
        now,
        policy,
      ).kind,
    ).toBe('attach');
  });

  it('never trusts a shared "no account" between a sender and a case', () => {
    expect(mayWriteInto(stranger, icbcCase({ accountId: null, participantAddresses: [] }))).toBe(false);
  });

  it('reopens a case closed within the window, and opens a linked follow-up after it', () => {
    const recently = icbcCase({ status: 'closed', closedAt: new Date(now.getTime() - 13 * DAY) });
    expect(decideThread({ ...none, reference: recently }, customer, now, policy)).toMatchObject({
      kind: 'attach',
      reopen: true,
    });
    const exactly = icbcCase({ status: 'closed', closedAt: new Date(now.getTime() - 14 * DAY) });
    expect(decideThread({ ...none, reference: exactly }, customer, now, policy)).toMatchObject({
      kind: 'attach',
      reopen: true,
    });
    const long = icbcCase({ status: 'closed', closedAt: new Date(now.getTime() - 15 * DAY) });
    expect(decideThread({ ...none, reference: long }, customer, now, policy)).toEqual({
      kind: 'follow_up',
      previousCaseId: 'case-icbc',
      previousNumber: 'CAS-04814-C9T9D0',
      via: 'reference',
    });
    expect(
      decideThread({ ...none, reference: long }, customer, now, { reopenWindowMs: 30 * DAY }),
    ).toMatchObject({ kind: 'attach', reopen: true });
  });

  it('never attaches to a case the sender may not write into (property)', () => {
    const caseArb = fc.record({
      id: fc.constantFrom('c1', 'c2', 'c3'),
      number: fc.constant('CAS-00001-AAAAAA'),
      accountId: fc.option(fc.constantFrom('a1', 'a2'), { nil: null }),
      status: fc.constantFrom('new', 'in_progress', 'waiting_for_customer', 'resolved', 'closed' as const),
      closedAt: fc.option(fc.date({ min: new Date('2026-01-01'), max: now, noInvalidDate: true }), {
        nil: null,
      }),
      participantAddresses: fc.subarray(['p@a.example', 'q@b.example']),
    });
    const candidate = fc.option(caseArb, { nil: null });
    const senderArb = fc.record({
      address: fc.option(fc.constantFrom('p@a.example', 'q@b.example', 'z@c.example'), { nil: null }),
      accountId: fc.option(fc.constantFrom('a1', 'a2'), { nil: null }),
      isEngineer: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.record({ reference: candidate, token: candidate, tag: candidate, thread_index: candidate }),
        senderArb,
        (candidates, sender) => {
          const d = decideThread(candidates, sender, now, policy);
          const first = [
            candidates.reference,
            candidates.token,
            candidates.tag,
            candidates.thread_index,
          ].find((c) => c !== null);
          if (!first) return d.kind === 'new_case';
          if (!mayWriteInto(sender, first)) return d.kind === 'review';
          if (d.kind === 'attach') return d.caseId === first.id && (first.status !== 'closed') !== d.reopen;
          return d.kind === 'follow_up' && first.status === 'closed';
        },
      ),
    );
  });
});

describe('followMerges', () => {
  const rows = new Map([
    ['a', { id: 'a', mergedInto: 'b' }],
    ['b', { id: 'b', mergedInto: 'c' }],
    ['c', { id: 'c', mergedInto: null }],
    ['x', { id: 'x', mergedInto: 'y' }],
    ['y', { id: 'y', mergedInto: 'x' }],
  ]);
  it('reaches the surviving case through a chain of merges', () => {
    expect(
      followMerges(rows.get('a') as { id: string; mergedInto: string | null }, (id) => rows.get(id)).id,
    ).toBe('c');
  });
  it('stops on a cycle instead of looping forever', () => {
    expect(['x', 'y']).toContain(
      followMerges(rows.get('x') as { id: string; mergedInto: string | null }, (id) => rows.get(id)).id,
    );
  });
});

describe('caseEffects', () => {
  it('puts a waiting case back in progress on a customer reply and tells the owner', () => {
    expect(
      caseEffects({
        status: 'waiting_for_customer',
        reopen: false,
        senderIsEngineer: false,
        isAutoReply: false,
      }),
    ).toEqual({ status: 'in_progress', notifyOwner: true });
  });
  it('leaves an in-progress case as it is but still tells the owner', () => {
    expect(
      caseEffects({ status: 'in_progress', reopen: false, senderIsEngineer: false, isAutoReply: false }),
    ).toEqual({ status: null, notifyOwner: true });
  });
  it('ignores out-of-office replies and engineers’ own mail', () => {
    expect(
      caseEffects({
        status: 'waiting_for_customer',
        reopen: false,
        senderIsEngineer: false,
        isAutoReply: true,
      }),
    ).toEqual({ status: null, notifyOwner: false });
    expect(
      caseEffects({
        status: 'waiting_for_customer',
        reopen: false,
        senderIsEngineer: true,
        isAutoReply: false,
      }),
    ).toEqual({ status: null, notifyOwner: false });
  });
  it('a reopen always ends in progress', () => {
    expect(
      caseEffects({ status: 'closed', reopen: true, senderIsEngineer: true, isAutoReply: false }).status,
    ).toBe('in_progress');
  });
});
