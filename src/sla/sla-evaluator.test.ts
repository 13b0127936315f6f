import { describe, expect, it } from 'vitest';
import { builtInCnCalendar } from './cn-calendar.js';
import { evaluateSla, type SlaActivity, type SlaInput } from './sla-evaluator.js';

const cn = builtInCnCalendar();
const email = (at: string, fromEngineer = true, hasContent = true): SlaActivity => ({
  at: new Date(at),
  kind: 'email',
  fromEngineer,
  hasContent,
});
const call = (at: string): SlaActivity => ({
  at: new Date(at),
  kind: 'call',
  fromEngineer: true,
  hasContent: false,
});

/** The seed thread CAS-04814-C9T9D0 (times UTC, from the archive). */
const seed: SlaActivity[] = [
  email('2021-09-22T17:01:10.450Z', true, false), // 1 Li Qi, empty body
  email('2021-09-22T17:19:56.362Z'), // 2 Li Qi, scope agreement, "每两个工作日"
  email('2021-09-29T13:31:30.059Z'), // 3 Jia Wei takes over
  email('2021-10-08T16:41:49.816Z'), // 4 Jia Wei
  email('2021-10-12T15:58:15.657Z'), // 5 Li Qi, log analysis
  email('2021-10-26T14:43:26.976Z'), // 6 Li Qi
  email('2021-10-27T10:09:08.604Z'), // 7 Li Qi, hash mismatch
  email('2021-10-28T15:31:27.238Z'), // 8 Li Qi
  email('2021-10-28T15:38:33.453Z', false), // 9 win10升级支持 (customer IT)
  email('2021-10-28T15:40:33.034Z', false), // 10 win10升级支持
  email('2021-11-02T16:40:18.077Z'), // 11 Li Qi, closure
];

const input = (over: Partial<SlaInput> = {}): SlaInput => ({
  caseNumber: 'CAS-04814-C9T9D0',
  calendar: cn,
  cadenceBusinessDays: 2,
  activities: seed,
  closedAt: new Date('2021-11-02T16:40:18.077Z'),
  now: new Date('2022-01-01T00:00:00Z'),
  ...over,
});

describe('evaluateSla on the seed case', () => {
  it('reports the first response 18 minutes after opening, outside business hours', () => {
    // Opened by message 1 (empty, so not a response) at 01:01 Thursday Shanghai; message 2 at 01:19.
    expect(evaluateSla(input()).firstResponse).toEqual({
      openedAt: '2021-09-22T17:01:10.450Z',
      respondedAt: '2021-09-22T17:19:56.362Z',
      elapsedSeconds: 1125.912,
      businessSeconds: 0,
    });
  });

  it('finds windows 1–4 and 7 missed, 5 and 6 met', () => {
    /*
     * Hand reasoning, CN calendar (Asia/Shanghai = UTC+8, Mon–Fri 09:00–18:00; 2021-10-01…07
     * National Day holidays; Sun 09-26 and Sat 10-09 make-up workdays). Every engineer email with
     * content from message 2 on opens a window of 2 business days, due at 18:00 (10:00Z) of the
     * 2nd business day after the local date of the promise:
     *
     * W1 msg 2  Thu 09-23 01:19 → Fri 09-24 (1), Sun 09-26 make-up (2) → due 09-26 10:00Z.
     *           Next contact msg 3 at 09-29 21:31 local → MISSED (Mon 09-27 would have been late too).
     * W2 msg 3  Wed 09-29 21:31 → Thu 09-30 (1), 10-01…07 holidays, Fri 10-08 (2) → due 10-08 10:00Z.
     *           Next msg 4 at 10-08 16:41Z = Sat 10-09 00:41 local → MISSED by 6 h 41 min.
     * W3 msg 4  Sat 10-09 00:41 (itself a make-up workday; counting starts after it) → Mon 10-11 (1),
     *           Tue 10-12 (2) → due 10-12 10:00Z. Next msg 5 at 10-12 23:58 local → MISSED (after 18:00).
     * W4 msg 5  Tue 10-12 23:58 → Wed 10-13 (1), Thu 10-14 (2) → due 10-14 10:00Z.
     *           Next msg 6 on 10-26 → MISSED by twelve days.
     * W5 msg 6  Tue 10-26 22:43 → Wed 10-27 (1), Thu 10-28 (2) → due 10-28 10:00Z.
     *           Next msg 7 at 10-27 18:09 local → MET.
     * W6 msg 7  Wed 10-27 18:09 → Thu 10-28 (1), Fri 10-29 (2) → due 10-29 10:00Z.
     *           Next msg 8 at 10-28 23:31 local → MET.
     * W7 msg 8  Thu 10-28 23:31 → Fri 10-29 (1), Mon 11-01 (2) → due 11-01 10:00Z.
     *           Messages 9, 10 are the customer's IT, not contacts. Next engineer contact is the
     *           closing message 11 at 11-03 00:40 local → MISSED. Message 11 is the closure, so it
     *           opens no window.
     */
    const report = evaluateSla(input());
    expect(report.followUps).toEqual([
      {
        promisedAt: '2021-09-22T17:19:56.362Z',
        dueAt: '2021-09-26T10:00:00.000Z',
        contactedAt: '2021-09-29T13:31:30.059Z',
        met: false,
      },
      {
        promisedAt: '2021-09-29T13:31:30.059Z',
        dueAt: '2021-10-08T10:00:00.000Z',
        contactedAt: '2021-10-08T16:41:49.816Z',
        met: false,
      },
      {
        promisedAt: '2021-10-08T16:41:49.816Z',
        dueAt: '2021-10-12T10:00:00.000Z',
        contactedAt: '2021-10-12T15:58:15.657Z',
        met: false,
      },
      {
        promisedAt: '2021-10-12T15:58:15.657Z',
        dueAt: '2021-10-14T10:00:00.000Z',
        contactedAt: '2021-10-26T14:43:26.976Z',
        met: false,
      },
      {
        promisedAt: '2021-10-26T14:43:26.976Z',
        dueAt: '2021-10-28T10:00:00.000Z',
        contactedAt: '2021-10-27T10:09:08.604Z',
        met: true,
      },
      {
        promisedAt: '2021-10-27T10:09:08.604Z',
        dueAt: '2021-10-29T10:00:00.000Z',
        contactedAt: '2021-10-28T15:31:27.238Z',
        met: true,
      },
      {
        promisedAt: '2021-10-28T15:31:27.238Z',
        dueAt: '2021-11-01T10:00:00.000Z',
        contactedAt: '2021-11-02T16:40:18.077Z',
        met: false,
      },
    ]);
    expect(report).toMatchObject({
      caseNumber: 'CAS-04814-C9T9D0',
      calendar: 'CN',
      cadenceBusinessDays: 2,
      warnings: [],
    });
  });

  it('counts the phone calls the thread mentions as contacts when they are logged', () => {
    // Message 4 says a call just failed to reach the customer; logged at 10-08 17:00 local it keeps W2.
    const withCall = evaluateSla(input({ activities: [...seed, call('2021-10-08T09:00:00Z')] }));
    expect(withCall.followUps[1]).toEqual({
      promisedAt: '2021-09-29T13:31:30.059Z',
      dueAt: '2021-10-08T10:00:00.000Z',
      contactedAt: '2021-10-08T09:00:00.000Z',
      met: true,
    });
    expect(withCall.followUps[2]?.promisedAt).toBe('2021-10-08T09:00:00.000Z'); // the call opens the next window
  });

  it('is plain JSON, as `casedesk sla CASE --json` prints it', () => {
    const report = evaluateSla(input());
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('evaluateSla rules', () => {
  it('an open window is pending before its due time and missed after it', () => {
    const open = { activities: seed.slice(0, 5), closedAt: null };
    // Window from msg 5 is due 2021-10-14T10:00Z.
    const before = evaluateSla(input({ ...open, now: new Date('2021-10-14T09:59:59Z') }));
    expect(before.followUps.at(-1)).toMatchObject({
      dueAt: '2021-10-14T10:00:00.000Z',
      contactedAt: null,
      met: null,
    });
    const after = evaluateSla(input({ ...open, now: new Date('2021-10-14T10:00:01Z') }));
    expect(after.followUps.at(-1)).toMatchObject({ contactedAt: null, met: false });
  });

  it('ignores activities after now (not yet happened) and sorts the timeline', () => {
    const report = evaluateSla(
      input({ activities: [...seed].reverse(), closedAt: null, now: new Date('2021-09-30T00:00:00Z') }),
    );
    expect(report.followUps.map((w) => w.met)).toEqual([false, null]);
  });

  it('a case closed before the due time with no contact keeps its last window', () => {
    const report = evaluateSla(
      input({ activities: seed.slice(0, 7), closedAt: new Date('2021-10-28T01:00:00Z') }),
    );
    expect(report.followUps.at(-1)).toEqual({
      promisedAt: '2021-10-27T10:09:08.604Z',
      dueAt: '2021-10-29T10:00:00.000Z',
      contactedAt: null,
      met: true,
    });
    const late = evaluateSla(
      input({ activities: seed.slice(0, 7), closedAt: new Date('2021-11-01T01:00:00Z') }),
    );
    expect(late.followUps.at(-1)).toMatchObject({ contactedAt: null, met: false });
  });

  it('empty messages and customer messages are not contacts', () => {
    const report = evaluateSla(
      input({
        activities: [
          email('2021-09-22T17:00:00Z', false), // customer opens
          email('2021-09-23T02:00:00Z'), // engineer responds Thu 10:00 local
          email('2021-09-24T02:00:00Z', true, false), // empty engineer mail
          email('2021-09-24T03:00:00Z', false), // customer
          email('2021-09-27T02:00:00Z'), // engineer, Mon 10:00 local
        ],
        closedAt: null,
        now: new Date('2021-09-27T03:00:00Z'),
      }),
    );
    expect(report.firstResponse).toMatchObject({
      openedAt: '2021-09-22T17:00:00.000Z',
      businessSeconds: 3600,
    });
    expect(report.followUps).toEqual([
      {
        promisedAt: '2021-09-23T02:00:00.000Z',
        dueAt: '2021-09-26T10:00:00.000Z',
        contactedAt: '2021-09-27T02:00:00.000Z',
        met: false,
      },
      {
        promisedAt: '2021-09-27T02:00:00.000Z',
        dueAt: '2021-09-29T10:00:00.000Z',
        contactedAt: null,
        met: null,
      },
    ]);
  });

  it('without a cadence or a response there are no windows', () => {
    expect(evaluateSla(input({ cadenceBusinessDays: null })).followUps).toEqual([]);
    const waiting = evaluateSla(
      input({ activities: [email('2021-09-22T17:00:00Z', false)], closedAt: null }),
    );
    expect(waiting.firstResponse).toEqual({
      openedAt: '2021-09-22T17:00:00.000Z',
      respondedAt: null,
      elapsedSeconds: null,
      businessSeconds: null,
    });
    expect(waiting.followUps).toEqual([]);
    expect(evaluateSla(input({ activities: [], closedAt: null })).firstResponse.openedAt).toBeNull();
  });

  it('carries calendar warnings when a window reaches a year without holiday data', () => {
    const report = evaluateSla(
      input({
        activities: [email('2026-12-30T01:00:00Z', false), email('2026-12-30T02:00:00Z')],
        closedAt: null,
        now: new Date('2026-12-30T03:00:00Z'),
      }),
    );
    expect(report.followUps[0]?.dueAt).toBe('2027-01-01T10:00:00.000Z');
    expect(report.warnings).toEqual([
      expect.objectContaining({ code: 'calendar.year_not_covered', year: 2027 }),
    ]);
  });

  it('rejects a cadence that is not a whole number of days ≥ 1', () => {
    expect(() => evaluateSla(input({ cadenceBusinessDays: 0 }))).toThrow(
      expect.objectContaining({ code: 'sla.bad_cadence' }),
    );
  });
});
