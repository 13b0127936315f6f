import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importThread } from '../../src/archive/import-thread.js';
import { createApiToken, createEngineer } from '../../src/auth/engineers.repo.js';
import { fixedClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { buildApp } from '../../src/platform/http/app.js';
import { runSlaScan } from '../../src/sla/sla-scan.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';

const fixtures = join(import.meta.dirname, '../fixtures');
let database: TestDatabase;
let app: FastifyInstance;
let admin = '';
let engineer = '';
const clock = fixedClock('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Shanghai

beforeAll(async () => {
  database = await openTestDatabase();
  const config = loadConfig({}, { trackingPrefix: 'CMIT' });
  app = await buildApp({
    db: database.db,
    clock,
    config,
    files: createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-sla-'))),
  });
  const li = await createEngineer(database.db, { name: 'Li Qi', email: 'li.qi@example.com', role: 'admin' });
  const jia = await createEngineer(database.db, { name: 'Jia Wei', email: 'jia.wei@example.com' });
  admin = `Bearer ${(await createApiToken(database.db, li.id, 'test')).token}`;
  engineer = `Bearer ${(await createApiToken(database.db, jia.id, 'test')).token}`;
  await importThread(
    { db: database.db, trackingPrefix: 'CMIT' },
    {
      fileName: 'seed.txt',
      bytes: readFileSync(join(fixtures, 'seed-thread/000_673e19c121c0ecf3.txt')),
      engineers: ['Li Qi', 'Jia Wei'],
    },
  );
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  auth = admin,
) =>
  app.inject({
    method,
    url,
    headers: { authorization: auth },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('case SLA over the API', () => {
  it('shows the seed case: cadence detected from the scope mail, windows, breaches, due times', async () => {
    const res = await call('GET', '/api/v1/cases/CAS-04814-C9T9D0/sla');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      calendar: 'CN',
      priority: 'P3',
      cadence: { businessDays: 2, source: 'detected' },
      firstResponse: {
        status: 'met',
        doneAt: '2021-09-22T17:19:56.362Z',
        businessSeconds: 0,
      },
      warnings: [],
    });
    expect(body.followUps.map((w: { met: boolean }) => w.met)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      false,
      false,
    ]);
    expect(body.breaches.filter((b: { kind: string }) => b.kind === 'follow_up')).toHaveLength(6);
  });

  it('lets an engineer set the cadence, which detection then never overrides, and clear it again', async () => {
    const set = await call(
      'PUT',
      '/api/v1/cases/CAS-04814-C9T9D0/sla/cadence',
      { businessDays: 5 },
      engineer,
    );
    expect(set.statusCode).toBe(200);
    expect(set.json().cadence).toEqual({ businessDays: 5, source: 'engineer' });
    // Thu 09-23 → 09-24, Sun 09-26 (make-up day), 09-27, 09-28, 09-29.
    expect(set.json().followUps[0].dueAt).toBe('2021-09-29T10:00:00.000Z');
    // The second window spans National Day: 09-30, then 10-08, Sat 10-09 (make-up), 10-11, 10-12.
    expect(set.json().followUps[1].dueAt).toBe('2021-10-12T10:00:00.000Z');
    const again = await call('GET', '/api/v1/cases/CAS-04814-C9T9D0/sla');
    expect(again.json().cadence).toEqual({ businessDays: 5, source: 'engineer' });
    const cleared = await call('PUT', '/api/v1/cases/CAS-04814-C9T9D0/sla/cadence', { businessDays: null });
    // Back to the policy's cadence (P3: 2); the mail is read again only when new mail arrives.
    expect(cleared.json().cadence.businessDays).toBe(2);
    const bad = await call('PUT', '/api/v1/cases/CAS-04814-C9T9D0/sla/cadence', { businessDays: 0 });
    expect(bad.statusCode).toBe(400);
  });

  it('answers 404 for an unknown case and an unknown what-if calendar', async () => {
    expect((await call('GET', '/api/v1/cases/CAS-99999-ZZZZZZ/sla')).statusCode).toBe(404);
    const res = await call('GET', '/api/v1/cases/CAS-04814-C9T9D0/sla?calendar=Nowhere');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('calendar.not_found');
  });

  it('lists breaching cases from the stored states after a scan', async () => {
    const created = await call('POST', '/api/v1/cases', {
      title: 'VPN down',
      priority: 'P1',
      owner: 'Jia Wei',
    });
    expect(created.statusCode).toBe(201);
    await runSlaScan({ db: database.db, clock });
    const soon = await call('GET', '/api/v1/sla/breaching?withinHours=2');
    const items = soon.json().items as {
      caseNumber: string;
      kind: string;
      overdue: boolean;
      dueAt: string;
    }[];
    const vpn = items.find((i) => i.caseNumber === created.json().number);
    // P1: first response within 1 business hour of opening (Tue 10:00 local → 11:00).
    expect(vpn).toMatchObject({ kind: 'first_response', overdue: false, dueAt: '2026-11-24T03:00:00.000Z' });
    const onlyFuture = await call('GET', '/api/v1/sla/breaching?withinHours=2&includeOverdue=false');
    expect(onlyFuture.json().items.every((i: { overdue: boolean }) => !i.overdue)).toBe(true);
    const none = await call('GET', '/api/v1/sla/breaching?withinHours=0.5&includeOverdue=false');
    expect(none.json().items).toEqual([]);
  });
});

describe('policies over the API', () => {
  it('lists the defaults and lets admins override one priority for one account', async () => {
    const list = await call('GET', '/api/v1/sla/policies', undefined, engineer);
    expect(list.json().map((p: { priority: string }) => p.priority)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(
      (await call('PUT', '/api/v1/sla/policies/P3?account=ICBC', { firstResponseHours: 1 }, engineer))
        .statusCode,
    ).toBe(403);
    const set = await call('PUT', '/api/v1/sla/policies/P3?account=ICBC', {
      firstResponseHours: 0.25,
      resolution: { value: 40, unit: 'business_hours' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({
      account: 'ICBC',
      priority: 'P3',
      firstResponseHours: 0.25,
      followUpDays: 2,
    });
    const sla = await call('GET', '/api/v1/cases/CAS-04814-C9T9D0/sla');
    expect(sla.json().policy).toMatchObject({
      firstResponseHours: 0.25,
      resolution: { value: 40, unit: 'business_hours' },
    });
    // Opened 01:01 local Thursday: 15 business minutes from 09:00.
    expect(sla.json().firstResponse.dueAt).toBe('2021-09-23T01:15:00.000Z');
    expect((await call('DELETE', '/api/v1/sla/policies/P3?account=ICBC')).statusCode).toBe(204);
    expect((await call('DELETE', '/api/v1/sla/policies/P3?account=ICBC')).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/cases/CAS-04814-C9T9D0/sla')).json().policy.firstResponseHours).toBe(
      4,
    );
  });
});

describe('calendars over the API', () => {
  it('has CN built in as the default, with 2021 National Day and its make-up days', async () => {
    const res = await call('GET', '/api/v1/calendars/CN?year=2021', undefined, engineer);
    expect(res.statusCode).toBe(200);
    const cn = res.json();
    expect(cn).toMatchObject({ name: 'CN', builtin: true, isDefault: true, zone: 'Asia/Shanghai' });
    expect(cn.days['2021-10-01'].kind).toBe('holiday');
    expect(cn.days['2021-09-26'].kind).toBe('workday');
    expect(cn.days['2021-10-09'].kind).toBe('workday');
    expect(cn.coveredYears).toContain(2026);
    expect(cn.coveredYears).not.toContain(2027);
  });

  it('lets admins change a day of CN; the case windows follow at once; removing the entry restores the data', async () => {
    expect(
      (await call('PUT', '/api/v1/calendars/CN/days/2021-09-24', { kind: 'holiday' }, engineer)).statusCode,
    ).toBe(403);
    const set = await call('PUT', '/api/v1/calendars/CN/days/2021-09-24', {
      kind: 'holiday',
      name: 'company day',
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().editedDays).toEqual({ '2021-09-24': { kind: 'holiday', name: 'company day' } });
    const sla = await call('GET', '/api/v1/cases/CAS-04814-C9T9D0/sla');
    // Without Friday 09-24 the 2nd business day after Thursday 09-23 is Monday 09-27.
    expect(sla.json().followUps[0].dueAt).toBe('2021-09-27T10:00:00.000Z');
    const removed = await call('DELETE', '/api/v1/calendars/CN/days/2021-09-24');
    expect(removed.json().days['2021-09-24']).toBeUndefined();
    const back = await call('GET', '/api/v1/cases/CAS-04814-C9T9D0/sla');
    expect(back.json().followUps[0].dueAt).toBe('2021-09-26T10:00:00.000Z');
  });

  it('reports a year without data on a case, and stops once that year is imported', async () => {
    const created = await call('POST', '/api/v1/calendars', {
      name: 'CN-2027-test',
      zone: 'Asia/Shanghai',
      coveredYears: [2026],
    });
    expect(created.statusCode).toBe(201);
    clock.set('2026-12-31T08:00:00Z'); // Thursday 16:00 local; 2 business days later is in 2027
    try {
      const use = await call('PUT', '/api/v1/cases/CAS-04814-C9T9D0/sla/calendar', {
        calendar: 'CN-2027-test',
      });
      expect(use.statusCode).toBe(200);
      const fresh = await call('POST', '/api/v1/cases', { title: 'year end', priority: 'P4' });
      const number = fresh.json().number as string;
      await call('POST', `/api/v1/cases/${number}/calls`, { outcome: 'reached', note: 'called' });
      const before = await call('GET', `/api/v1/cases/${number}/sla?calendar=CN-2027-test`);
      expect(before.json().warnings).toEqual([
        expect.objectContaining({ code: 'calendar.year_not_covered', year: 2027, calendar: 'CN-2027-test' }),
      ]);
      const json2027 = {
        year: 2027,
        papers: [],
        days: [
          { name: '元旦', date: '2027-01-01', isOffDay: true },
          { name: '春节', date: '2027-02-06', isOffDay: true },
        ],
      };
      const imported = await call('POST', '/api/v1/calendars/CN-2027-test/import', {
        format: 'json',
        content: JSON.stringify(json2027),
      });
      expect(imported.statusCode).toBe(200);
      expect(imported.json()).toMatchObject({ importedYears: [2027], importedDays: 2 });
      const after = await call('GET', `/api/v1/cases/${number}/sla?calendar=CN-2027-test`);
      expect(after.json().warnings).toEqual([]);
    } finally {
      clock.set('2026-11-24T02:00:00Z');
      await call('PUT', '/api/v1/cases/CAS-04814-C9T9D0/sla/calendar', { calendar: null });
    }
  });

  it('imports a year from ICS, replacing the admins’ days of that year', async () => {
    await call('POST', '/api/v1/calendars', { name: 'ics-test', zone: 'Asia/Shanghai' });
    await call('PUT', '/api/v1/calendars/ics-test/days/2021-06-01', { kind: 'holiday', name: 'stale' });
    const ics = readFileSync(join(fixtures, 'holidays/chinese-days-2021.ics'), 'utf8');
    const res = await call('POST', '/api/v1/calendars/ics-test/import', {
      format: 'ics',
      content: ics,
      year: 2021,
    });
    expect(res.statusCode).toBe(200);
    const cal = res.json();
    expect(cal.coveredYears).toEqual([2021]);
    expect(cal.days['2021-06-01']).toBeUndefined();
    expect(cal.days['2021-10-07'].kind).toBe('holiday');
    expect(cal.days['2021-09-26'].kind).toBe('workday');
    const bad = await call('POST', '/api/v1/calendars/ics-test/import', {
      format: 'ics',
      content: 'not a calendar',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('calendar.bad_import');
    // Nothing of the bad file was stored.
    expect((await call('GET', '/api/v1/calendars/ics-test')).json().version).toBe(cal.version);
  });

  it('creates a Berlin calendar, rejects bad zones and hours, switches the default, guards deletion', async () => {
    const berlin = await call('POST', '/api/v1/calendars', {
      name: 'DE',
      zone: 'Europe/Berlin',
      workingHours: { 5: [{ start: '08:00', end: '14:00' }] },
    });
    expect(berlin.statusCode).toBe(201);
    expect(berlin.json().workingHours['5']).toEqual([{ start: '08:00', end: '14:00' }]);
    expect((await call('POST', '/api/v1/calendars', { name: 'DE', zone: 'Europe/Berlin' })).statusCode).toBe(
      409,
    );
    const badZone = await call('POST', '/api/v1/calendars', { name: 'XX', zone: 'Mars/Olympus' });
    expect(badZone.json().code).toBe('calendar.bad_zone');
    const badHours = await call('PATCH', '/api/v1/calendars/DE', {
      workingHours: { 1: [{ start: '18:00', end: '09:00' }] },
    });
    expect(badHours.json().code).toBe('calendar.bad_hours');
    expect((await call('POST', '/api/v1/calendars/DE/default')).json().isDefault).toBe(true);
    expect((await call('GET', '/api/v1/cases/CAS-04814-C9T9D0/sla')).json().calendar).toBe('DE');
    expect((await call('DELETE', '/api/v1/calendars/DE')).statusCode).toBe(409);
    await call('POST', '/api/v1/calendars/CN/default');
    expect((await call('DELETE', '/api/v1/calendars/CN')).json().code).toBe('calendar.builtin');
    expect((await call('DELETE', '/api/v1/calendars/DE')).statusCode).toBe(204);
    const names = (await call('GET', '/api/v1/calendars')).json().map((c: { name: string }) => c.name);
    expect(names).not.toContain('DE');
  });
});
