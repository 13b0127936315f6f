import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importThread } from '../../src/archive/import-thread.js';
import { fixedClock } from '../../src/platform/clock.js';
import { createCalendar } from '../../src/sla/calendars.service.js';
import { slaReport } from '../../src/sla/case-sla.service.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';

const seedFile = join(import.meta.dirname, '../fixtures/seed-thread/000_673e19c121c0ecf3.txt');
let database: TestDatabase;
const clock = fixedClock('2026-05-06T02:00:00Z');
const deps = () => ({ db: database.db, clock });

beforeAll(async () => {
  database = await openTestDatabase();
  await importThread(
    { db: database.db, trackingPrefix: 'CMIT' },
    { fileName: '000_673e19c121c0ecf3.txt', bytes: readFileSync(seedFile), engineers: ['Li Qi', 'Jia Wei'] },
  );
});
afterAll(async () => database.drop());

const w = (promisedAt: string, dueAt: string, contactedAt: string | null, met: boolean) => ({
  promisedAt,
  dueAt,
  contactedAt,
  met,
});

describe('casedesk sla CAS-04814-C9T9D0 --json (the imported seed, calendar CN)', () => {
  it('prints exactly the report: cadence detected as 2, windows over 调休 and National Day', async () => {
    const report = await slaReport(deps(), 'CAS-04814-C9T9D0');
    expect(Object.keys(report)).toEqual([
      'caseNumber',
      'calendar',
      'cadenceBusinessDays',
      'firstResponse',
      'followUps',
      'warnings',
    ]);
    expect(report).toEqual({
      caseNumber: 'CAS-04814-C9T9D0',
      calendar: 'CN',
      cadenceBusinessDays: 2,
      firstResponse: {
        openedAt: '2021-09-22T17:01:10.450Z',
        respondedAt: '2021-09-22T17:19:56.362Z',
        elapsedSeconds: 1125.912,
        businessSeconds: 0,
      },
      followUps: [
        // Due Sun 09-26 18:00 local: a make-up workday counts.
        w('2021-09-22T17:19:56.362Z', '2021-09-26T10:00:00.000Z', '2021-09-29T13:31:30.059Z', false),
        // 09-30, then 10-01…07 are holidays: due Fri 10-08 18:00; the reply came 00:41 on 10-09.
        w('2021-09-29T13:31:30.059Z', '2021-10-08T10:00:00.000Z', '2021-10-08T16:41:49.816Z', false),
        w('2021-10-08T16:41:49.816Z', '2021-10-12T10:00:00.000Z', '2021-10-12T15:58:15.657Z', false),
        w('2021-10-12T15:58:15.657Z', '2021-10-14T10:00:00.000Z', '2021-10-26T14:43:26.976Z', false),
        w('2021-10-26T14:43:26.976Z', '2021-10-28T10:00:00.000Z', '2021-10-27T10:09:08.604Z', true),
        w('2021-10-27T10:09:08.604Z', '2021-10-29T10:00:00.000Z', '2021-10-28T15:31:27.238Z', true),
        // Messages 9 and 10 are the customer's IT team: not contacts.
        w('2021-10-28T15:31:27.238Z', '2021-11-01T10:00:00.000Z', '2021-11-02T16:40:18.077Z', false),
        // The imported case is still open (in progress), so the closing mail opens a window that lapsed.
        w('2021-11-02T16:40:18.077Z', '2021-11-05T10:00:00.000Z', null, false),
      ],
      warnings: [],
    });
  });

  it('evaluates on another calendar with --calendar, which ignores Chinese holidays and says nothing is covered', async () => {
    await createCalendar(deps(), { name: 'plain', zone: 'Asia/Shanghai' });
    const report = await slaReport(deps(), 'CAS-04814-C9T9D0', { calendar: 'plain' });
    expect(report.calendar).toBe('plain');
    // Without 调休, Sun 09-26 is no workday: Fri 09-24, Mon 09-27.
    expect(report.followUps[0]?.dueAt).toBe('2021-09-27T10:00:00.000Z');
    expect(report.warnings.map((x) => x.year)).toEqual([2021]);
    // The what-if did not change the case's calendar.
    expect((await slaReport(deps(), 'CAS-04814-C9T9D0')).calendar).toBe('CN');
  });
});
