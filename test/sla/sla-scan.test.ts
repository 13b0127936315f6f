import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importThread } from '../../src/archive/import-thread.js';
import { createEngineer } from '../../src/auth/engineers.repo.js';
import { createCase, engineerActor } from '../../src/cases/cases.service.js';
import { insertEmailActivity } from '../../src/cases/timeline.repo.js';
import { enqueueNotificationMail } from '../../src/mail/outbound/send-reply.js';
import { fixedClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { type Database, openDatabase } from '../../src/platform/db/database.js';
import type { DB } from '../../src/platform/db/db.js';
import { recordBreaches } from '../../src/sla/sla-records.repo.js';
import { runSlaScan, type SlaScanDeps } from '../../src/sla/sla-scan.js';
import { openTestDatabase, type TestDatabase, testDbKind, testPgUrl } from '../support/test-db.js';

let database: TestDatabase;
/** A second server's connection pool on the same database (PGlite: the same in-process database). */
let second: Database | null = null;
let secondDb: Kysely<DB>;
const clock = fixedClock('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Shanghai
const config = loadConfig({}, { mailFrom: 'CaseDesk <support@vendor.example>' });
let caseNumber = '';
let ownerId = '';

/** A server's scheduler: its own dependencies, as after a (re)start. */
const scheduler = (db: Kysely<DB>): SlaScanDeps => ({
  db,
  clock,
  sendMail: async (trx, mail) => {
    await enqueueNotificationMail({ db: trx, clock, config }, mail);
  },
});

async function counts() {
  const db = database.db;
  const notices = await db
    .selectFrom('notifications')
    .select(['kind', 'message', 'engineer_id'])
    .where('kind', 'like', 'sla.%')
    .execute();
  const mails = await db
    .selectFrom('mail_outbox')
    .select(['subject', 'to_addresses'])
    .where('kind', '=', 'notification')
    .execute();
  const breaches = await db.selectFrom('sla_breaches').selectAll().execute();
  return { notices, mails, breaches };
}

beforeAll(async () => {
  database = await openTestDatabase();
  if (testDbKind === 'postgres') {
    second = await openDatabase({ kind: 'postgres', url: testPgUrl, schema: database.schema as string });
    secondDb = second.db;
  } else secondDb = database.db;
  const jia = await createEngineer(database.db, { name: 'Jia Wei', email: 'jia.wei@vendor.example' });
  ownerId = jia.id;
  const created = await createCase({ db: database.db, clock, trackingPrefix: 'CMIT' }, engineerActor(jia), {
    title: '补丁更新失败',
    priority: 'P3',
    owner: 'Jia Wei',
  });
  caseNumber = created.number;
});
afterAll(async () => {
  await second?.close();
  await database.drop();
});

describe('the SLA scheduler', () => {
  it('stores the state of a new case and sends nothing before the reminder time', async () => {
    const result = await runSlaScan(scheduler(database.db));
    expect(result).toMatchObject({ cases: 1, breachesRecorded: 0, remindersSent: 0 });
    const row = await database.db.selectFrom('case_sla').selectAll().executeTakeFirstOrThrow();
    // P3: first response within 4 business hours → 14:00 local; reminder an hour before.
    expect(row.first_response_due_at?.toISOString()).toBe('2026-11-24T06:00:00.000Z');
    expect(row.next_due_kind).toBe('first_response');
    expect(row.next_check_at?.toISOString()).toBe('2026-11-24T05:00:00.000Z');
    expect((await runSlaScan(scheduler(database.db)))?.cases).toBe(0); // nothing stale
    expect((await counts()).notices).toEqual([]);
  });

  it('reminds the owner once, in-app and by mail, with two servers scanning at the same moment', async () => {
    clock.set('2026-11-24T05:10:00Z');
    const [a, b] = await Promise.all([runSlaScan(scheduler(database.db)), runSlaScan(scheduler(secondDb))]);
    expect((a?.remindersSent ?? 0) + (b?.remindersSent ?? 0)).toBe(1);
    const { notices, mails } = await counts();
    expect(notices).toEqual([
      expect.objectContaining({
        kind: 'sla.reminder',
        engineer_id: ownerId,
        message: expect.stringContaining(caseNumber),
      }),
    ]);
    expect(notices[0]?.message).toContain('2026-11-24 14:00 Asia/Shanghai');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe(`[SLA] ${caseNumber}: first response due in 50 min`);
    expect(mails[0]?.to_addresses).toEqual([expect.objectContaining({ address: 'jia.wei@vendor.example' })]);
  });

  it('does not remind again after a restart', async () => {
    clock.set('2026-11-24T05:20:00Z');
    await database.db.updateTable('case_sla').set({ next_check_at: clock.now() }).execute(); // force a re-evaluation
    const again = await runSlaScan(scheduler(secondDb));
    expect(again).toMatchObject({ cases: 1, remindersSent: 0 });
    expect((await counts()).notices).toHaveLength(1);
  });

  it('records the breach once and tells the owner once, across two servers and a restart', async () => {
    clock.set('2026-11-24T06:30:00Z');
    const [a, b] = await Promise.all([runSlaScan(scheduler(database.db)), runSlaScan(scheduler(secondDb))]);
    expect((a?.breachesRecorded ?? 0) + (b?.breachesRecorded ?? 0)).toBe(1);
    clock.set('2026-11-24T06:45:00Z');
    await database.db.updateTable('case_sla').set({ next_check_at: clock.now() }).execute();
    expect(await runSlaScan(scheduler(database.db))).toMatchObject({ cases: 1, breachesRecorded: 0 });
    const { notices, mails, breaches } = await counts();
    expect(breaches).toEqual([
      expect.objectContaining({
        kind: 'first_response',
        notified: true,
        due_at: new Date('2026-11-24T06:00:00Z'),
      }),
    ]);
    expect(notices.map((n) => n.kind).sort()).toEqual(['sla.breach', 'sla.reminder']);
    expect(mails.map((m) => m.subject)).toContain(`[SLA] ${caseNumber}: first response missed`);
    expect(mails).toHaveLength(2);
  });

  it('keeps a breach unique even when two writers skip the scan lock', async () => {
    const caseId = (await database.db.selectFrom('cases').select('id').executeTakeFirstOrThrow()).id;
    const key = [
      {
        caseId,
        kind: 'resolution' as const,
        dueAt: '2026-12-08T10:00:00.000Z',
        startedAt: '2026-11-24T02:00:00.000Z',
      },
    ];
    const [a, b] = await Promise.all([
      recordBreaches(database.db, key, clock.now()),
      recordBreaches(secondDb, key, clock.now()),
    ]);
    expect(a.length + b.length).toBe(1);
    await database.db.deleteFrom('sla_breaches').where('kind', '=', 'resolution').execute();
  });

  it('re-evaluates when the engineer replies: the late first response stays a breach, the follow-up starts', async () => {
    clock.set('2026-11-24T07:00:00Z');
    const c = await database.db.selectFrom('cases').select('id').executeTakeFirstOrThrow();
    await insertEmailActivity(database.db, {
      caseId: c.id,
      actor: { type: 'engineer', id: ownerId, name: 'Jia Wei' },
      occurredAt: clock.now(),
      email: {
        direction: 'outbound',
        from: { name: 'Jia Wei', address: 'jia.wei@vendor.example' },
        to: [],
        cc: [],
        subject: 'Re: 补丁更新失败',
        text: '您好，我将每个工作日与您联系一次。',
        html: null,
        sentAt: clock.now(),
        messageId: null,
        inReplyTo: null,
        references: [],
        attachments: [],
      },
    });
    const result = await runSlaScan(scheduler(database.db));
    expect(result?.cases).toBe(1);
    const row = await database.db.selectFrom('case_sla').selectAll().executeTakeFirstOrThrow();
    // "每个工作日" → a cadence of 1, detected from the reply; due at 18:00 local the next business day.
    expect([row.cadence_business_days, row.cadence_source]).toEqual([1, 'detected']);
    expect(row.follow_up_due_at?.toISOString()).toBe('2026-11-25T10:00:00.000Z');
    expect((await counts()).breaches).toHaveLength(1);
  });

  it('records the breaches of an imported old thread without notifying anyone', async () => {
    const seed = readFileSync(join(import.meta.dirname, '../fixtures/seed-thread/000_673e19c121c0ecf3.txt'));
    await importThread(
      { db: database.db, trackingPrefix: 'CMIT' },
      { fileName: 'seed.txt', bytes: seed, engineers: ['Li Qi', 'Jia Wei'] },
    );
    const before = await counts();
    const result = await runSlaScan(scheduler(database.db));
    expect(result).toMatchObject({ cases: 1, breachesRecorded: 7, breachesNotified: 0, remindersSent: 0 });
    const after = await counts();
    expect(after.notices).toHaveLength(before.notices.length);
    expect(after.mails).toHaveLength(before.mails.length);
  });

  it('does not record a breach again when a policy change moves its due time', async () => {
    const before = await counts();
    const due = async () =>
      (await database.db.selectFrom('case_sla').select(['case_id', 'resolution_due_at']).execute())
        .map((r) => `${r.case_id} ${r.resolution_due_at?.toISOString()}`)
        .sort();
    const dueBefore = await due();
    // Every default policy half an hour slower to respond and two days slower to resolve: the
    // imported thread's resolution breach (due 2021-10-12) moves and stays a breach.
    await database.db
      .updateTable('sla_policies')
      .set((eb) => ({
        first_response_hours: eb('first_response_hours', '+', 0.5),
        resolution_value: eb('resolution_value', '+', 2),
      }))
      .where('account_id', 'is', null)
      .execute();
    const result = await runSlaScan(scheduler(database.db), { all: true });
    expect(result).toMatchObject({ cases: 2, breachesRecorded: 0, breachesNotified: 0 });
    expect(result?.statesWritten).toBeGreaterThan(0);
    expect(await due()).not.toEqual(dueBefore);
    const after = await counts();
    expect(after.breaches).toHaveLength(before.breaches.length);
    expect(after.notices).toHaveLength(before.notices.length);
    expect(after.mails).toHaveLength(before.mails.length);
  });

  it('evaluates a case from its timeline when its stored digest breaks its line or does not parse', async () => {
    const state = async () =>
      (
        await database.db
          .selectFrom('case_sla')
          .select(['case_id', 'first_response_due_at', 'follow_up_due_at', 'resolution_due_at', 'timeline'])
          .orderBy('case_id')
          .execute()
      ).map((r) => ({ ...r, timeline: JSON.parse(r.timeline as string) }));
    const before = await state();
    expect(before).toHaveLength(2);
    const [a, b] = before.map((r) => r.case_id) as [string, string];
    const stamps = await database.db
      .selectFrom('activities')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('seq').as('m')])
      .where('case_id', '=', b)
      .executeTakeFirstOrThrow();
    // A line break and a tab in one digest (the chunk is read again with them replaced); a digest
    // whose head matches the case's stamps but whose body does not parse.
    await database.db
      .updateTable('case_sla')
      .set({ timeline: '{"n":1,\n\t"m":2}' })
      .where('case_id', '=', a)
      .execute();
    await database.db
      .updateTable('case_sla')
      .set({ timeline: `{"n":${Number(stamps.n)},"m":${Number(stamps.m)},"a":[1,` })
      .where('case_id', '=', b)
      .execute();
    const result = await runSlaScan(scheduler(database.db), { all: true });
    expect(result).toMatchObject({ cases: 2, timelinesRead: 2, statesWritten: 2, breachesRecorded: 0 });
    expect(await state()).toEqual(before);
  });
});
