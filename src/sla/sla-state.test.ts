import { describe, expect, it } from 'vitest';
import { builtInCnCalendar } from './cn-calendar.js';
import type { SlaActivity } from './sla-evaluator.js';
import { type CaseSlaInput, computeCaseSla, type SlaPolicy } from './sla-state.js';

const cn = builtInCnCalendar();
const policy: SlaPolicy = {
  firstResponseHours: 4,
  followUpDays: 2,
  resolution: { value: 18, unit: 'business_hours' },
  remindBeforeMinutes: 60,
};
const mail = (at: string, fromEngineer: boolean, hasContent = true): SlaActivity => ({
  at: new Date(at),
  kind: 'email',
  fromEngineer,
  hasContent,
});

// Mon 2024-03-04 10:00 Shanghai = 02:00Z. Business hours 09:00–18:00 = 01:00Z–10:00Z.
const base = (over: Partial<CaseSlaInput> = {}): CaseSlaInput => ({
  caseNumber: 'CAS-00001-AAAAAA',
  calendar: cn,
  policy,
  caseCadence: null,
  openedAt: new Date('2024-03-04T02:00:00Z'),
  status: 'in_progress',
  statusChanges: [],
  activities: [mail('2024-03-04T02:00:00Z', false)],
  closedAt: null,
  now: new Date('2024-03-04T03:00:00Z'),
  ...over,
});

describe('first response clock', () => {
  it('is due 4 business hours after opening and pending with the time left', () => {
    const s = computeCaseSla(base());
    expect(s.firstResponse).toMatchObject({
      status: 'pending',
      dueAt: '2024-03-04T06:00:00.000Z',
      secondsLeft: 3 * 3600,
    });
    expect(s.open[0]).toEqual({ kind: 'first_response', dueAt: '2024-03-04T06:00:00.000Z', overdue: false });
    // Reminder an hour before the due time is the next moment the state changes by itself.
    expect(s.nextCheckAt).toBe('2024-03-04T05:00:00.000Z');
  });

  it('carries over the night: opened at 17:00 local, due 12:00 local the next business day', () => {
    const s = computeCaseSla(
      base({ activities: [mail('2024-03-08T09:00:00Z', false)], now: new Date('2024-03-08T09:30:00Z') }),
    );
    // Friday 17:00 → 1 h Friday, 3 h Monday 09:00–12:00.
    expect(s.firstResponse.dueAt).toBe('2024-03-11T04:00:00.000Z');
  });

  it('is overdue, and a breach, once the due time passes without an engineer reply with content', () => {
    const s = computeCaseSla(
      base({
        activities: [mail('2024-03-04T02:00:00Z', false), mail('2024-03-04T03:00:00Z', true, false)],
        now: new Date('2024-03-04T07:00:00Z'),
      }),
    );
    expect(s.firstResponse.status).toBe('overdue');
    // Identified by the clock's start (the opening), not its due time.
    expect(s.breaches).toContainEqual({
      kind: 'first_response',
      startedAt: '2024-03-04T02:00:00.000Z',
      dueAt: '2024-03-04T06:00:00.000Z',
    });
  });

  it('is met by an engineer reply in time', () => {
    const s = computeCaseSla(
      base({
        activities: [mail('2024-03-04T02:00:00Z', false), mail('2024-03-04T05:59:00Z', true)],
        now: new Date('2024-03-04T07:00:00Z'),
      }),
    );
    expect(s.firstResponse).toMatchObject({
      status: 'met',
      doneAt: '2024-03-04T05:59:00.000Z',
      secondsLeft: null,
    });
    expect(s.breaches).toEqual([]);
  });
});

describe('follow-up cadence', () => {
  it('uses the policy cadence when the case has none, and the case cadence when set', () => {
    const activities = [mail('2024-03-04T02:00:00Z', false), mail('2024-03-04T03:00:00Z', true)];
    const now = new Date('2024-03-04T04:00:00Z');
    expect(computeCaseSla(base({ activities, now })).followUp).toMatchObject({
      status: 'pending',
      dueAt: '2024-03-06T10:00:00.000Z', // Wed 18:00: 2 business days after Monday
    });
    expect(computeCaseSla(base({ activities, now, caseCadence: 1 })).followUp?.dueAt).toBe(
      '2024-03-05T10:00:00.000Z',
    );
  });

  it('keeps running while the case waits for the customer', () => {
    const s = computeCaseSla(
      base({
        activities: [mail('2024-03-04T02:00:00Z', false), mail('2024-03-04T03:00:00Z', true)],
        statusChanges: [
          { at: new Date('2024-03-04T03:05:00Z'), from: 'in_progress', to: 'waiting_for_customer' },
        ],
        status: 'waiting_for_customer',
        now: new Date('2024-03-07T00:00:00Z'),
      }),
    );
    expect(s.followUp).toMatchObject({ status: 'overdue', dueAt: '2024-03-06T10:00:00.000Z' });
    // The window starts at the engineer's mail that promised it.
    expect(s.breaches).toContainEqual({
      kind: 'follow_up',
      startedAt: '2024-03-04T03:00:00.000Z',
      dueAt: '2024-03-06T10:00:00.000Z',
    });
    expect(s.resolution.status).toBe('paused');
  });
});

describe('resolution clock', () => {
  const replied = [mail('2024-03-04T02:00:00Z', false), mail('2024-03-04T03:00:00Z', true)];

  it('is due after 18 business hours of work: Wed 10:00 local', () => {
    const s = computeCaseSla(base({ activities: replied, now: new Date('2024-03-04T04:00:00Z') }));
    expect(s.resolution).toMatchObject({
      status: 'pending',
      dueAt: '2024-03-06T02:00:00.000Z',
      pausedSince: null,
    });
  });

  it('pauses while waiting for the customer and moves the due time by the business time waited', () => {
    // Waiting from Mon 12:00 to Tue 12:00 local = 9 business hours paused.
    const s = computeCaseSla(
      base({
        activities: replied,
        statusChanges: [
          { at: new Date('2024-03-04T04:00:00Z'), from: 'in_progress', to: 'waiting_for_customer' },
          { at: new Date('2024-03-05T04:00:00Z'), from: 'waiting_for_customer', to: 'in_progress' },
        ],
        now: new Date('2024-03-05T05:00:00Z'),
      }),
    );
    expect(s.resolution.dueAt).toBe('2024-03-07T02:00:00.000Z');
    expect(s.resolution.businessSecondsUsed).toBe(3 * 3600);
  });

  it('has no due time while paused, and keeps the budget left', () => {
    const s = computeCaseSla(
      base({
        activities: replied,
        status: 'waiting_for_customer',
        statusChanges: [
          { at: new Date('2024-03-04T04:00:00Z'), from: 'in_progress', to: 'waiting_for_customer' },
        ],
        now: new Date('2024-03-20T00:00:00Z'),
      }),
    );
    expect(s.resolution).toMatchObject({
      status: 'paused',
      dueAt: null,
      pausedSince: '2024-03-04T04:00:00.000Z',
    });
    expect(s.resolution.businessSecondsBudget - s.resolution.businessSecondsUsed).toBe(16 * 3600);
    expect(s.breaches.filter((b) => b.kind === 'resolution')).toEqual([]);
  });

  it('is met when resolved in time and missed when resolved late', () => {
    const resolvedAt = (at: string) =>
      computeCaseSla(
        base({
          activities: replied,
          status: 'resolved',
          statusChanges: [{ at: new Date(at), from: 'in_progress', to: 'resolved' }],
          now: new Date('2024-03-20T00:00:00Z'),
        }),
      ).resolution;
    expect(resolvedAt('2024-03-05T02:00:00Z')).toMatchObject({
      status: 'met',
      doneAt: '2024-03-05T02:00:00.000Z',
    });
    expect(resolvedAt('2024-03-07T02:00:00Z')).toMatchObject({
      status: 'missed',
      dueAt: '2024-03-06T02:00:00.000Z',
    });
  });

  it('counts business days from the opening day', () => {
    const s = computeCaseSla(
      base({
        activities: replied,
        policy: { ...policy, resolution: { value: 2, unit: 'business_days' } },
        now: new Date('2024-03-04T04:00:00Z'),
      }),
    );
    expect(s.resolution.dueAt).toBe('2024-03-06T10:00:00.000Z');
  });
});

describe('closure and warnings', () => {
  it('opens no clock after closing and leaves nothing open', () => {
    const s = computeCaseSla(
      base({
        activities: [mail('2024-03-04T02:00:00Z', false), mail('2024-03-04T03:00:00Z', true)],
        status: 'closed',
        statusChanges: [{ at: new Date('2024-03-04T05:00:00Z'), from: 'in_progress', to: 'closed' }],
        closedAt: new Date('2024-03-04T05:00:00Z'),
        now: new Date('2024-04-01T00:00:00Z'),
      }),
    );
    expect(s.open).toEqual([]);
    expect(s.nextCheckAt).toBeNull();
    expect(s.breaches).toEqual([]);
  });

  it('says so when a due time lands in a year without holiday data', () => {
    const s = computeCaseSla(
      base({
        openedAt: new Date('2026-12-30T02:00:00Z'),
        activities: [mail('2026-12-30T02:00:00Z', false), mail('2026-12-30T03:00:00Z', true)],
        now: new Date('2026-12-30T04:00:00Z'),
      }),
    );
    expect(s.warnings.map((w) => [w.code, w.year])).toEqual([['calendar.year_not_covered', 2027]]);
    expect(s.report.warnings.map((w) => w.year)).toEqual([2027]);
  });
});
