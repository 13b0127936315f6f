import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.js';
import { evaluateCase, setCaseCadence } from '../../src/sla/case-sla.service.js';
import { runSlaScan } from '../../src/sla/sla-scan.js';
import { moveTimelineAndMerge } from '../../src/workflow/case-links.repo.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';

/**
 * The full recompute works in chunks: set-based loads, timelines from stored digests while they
 * still match the activities, one upsert per chunk, unchanged rows skipped. Whatever path a case
 * took, its stored state must be what evaluating that case alone (fresh from the database) gives.
 */
let database: TestDatabase;
const NOW = new Date('2026-11-24T02:00:00Z'); // Tuesday 10:00 in Shanghai
const deps = () => ({ db: database.db, clock: fixedClock(NOW) });
// On PostgreSQL the scan reads chunks through the pool while its transaction stores them, as a server does.
const scanDeps = () => ({
  ...deps(),
  batchSize: CHUNK,
  ...(database.kind === 'postgres' ? { readDb: database.db } : {}),
});
const CASES = 37;
const CHUNK = 6; // small, so chunk boundaries and mixed digest/reload chunks happen
const numbers: string[] = [];

const STATUSES = ['new', 'in_progress', 'waiting_for_customer', 'resolved', 'closed'] as const;
const hours = (h: number) => h * 3_600_000;

async function seed(): Promise<void> {
  const db = database.db;
  const account = await db
    .insertInto('accounts')
    .values({ name: 'Override Ltd' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const other = await db
    .insertInto('accounts')
    .values({ name: 'Plain Co' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const owner = await db
    .insertInto('engineers')
    .values({ name: 'Li Na', email: 'li.na@vendor.example' })
    .returning('id')
    .executeTakeFirstOrThrow();
  // The account's own P2 policy: a slower first response and a 3-day cadence.
  await db
    .insertInto('sla_policies')
    .values({
      account_id: account.id,
      priority: 'P2',
      first_response_hours: 6,
      follow_up_days: 3,
      resolution_value: 30,
      resolution_unit: 'business_hours',
      remind_before_minutes: 45,
    })
    .execute();
  for (let i = 0; i < CASES; i++) {
    const status = STATUSES[i % 5] as (typeof STATUSES)[number];
    const opened = new Date(NOW.getTime() - hours(3 + ((i * 37) % 400)));
    const number = `CAS-${String(10000 + i).padStart(5, '0')}-RECOMP`;
    numbers.push(number);
    const c = await db
      .insertInto('cases')
      .values({
        number,
        title: `case ${i}`,
        account_id: i % 3 === 0 ? account.id : other.id,
        priority: (['P1', 'P2', 'P3', 'P4'] as const)[i % 4] ?? 'P3',
        status,
        owner_id: i % 7 === 0 ? null : owner.id,
        stage: '',
        tracking_token: `RECOMP${i}`,
        opened_at: opened,
        updated_at: new Date(NOW.getTime() - hours(1)),
        closed_at: status === 'closed' ? new Date(NOW.getTime() - hours(2)) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // i % 11 === 10: no timeline at all. Others: the customer writes, then engineers mail (some
    // empty, some with only an attachment, some promising a cadence), call, and customers reply.
    const entries = i % 11 === 10 ? 0 : 2 + ((i * 5) % 9);
    for (let k = 0; k < entries; k++) {
      const at = new Date(opened.getTime() + hours(k * (1 + ((i + k) % 29))));
      if (at > NOW) break;
      const engineer = k > 0 && (i + k) % 3 !== 0;
      const call = engineer && (i + k) % 5 === 0;
      const a = await db
        .insertInto('activities')
        .values({
          case_id: c.id,
          type: call ? 'call' : 'email',
          actor_type: engineer ? 'engineer' : 'contact',
          actor_name: engineer ? 'Li Na' : 'customer',
          occurred_at: at,
          payload: JSON.stringify(call ? { outcome: 'no_answer', note: '' } : {}),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (call) continue;
      const empty = (i + k) % 7 === 0;
      const body = empty
        ? ' \u3000\n'
        : k === 1 && i % 4 === 1
          ? '我将每两个工作日与您联系一次。'
          : '日志分析结果如下。';
      await db
        .insertInto('emails')
        .values({
          activity_id: a.id,
          case_id: c.id,
          direction: engineer ? 'outbound' : 'inbound',
          subject: 'Re: case',
          to_addresses: '[]',
          cc_addresses: '[]',
          text_body: body,
          attachments: JSON.stringify(empty && i % 2 === 0 ? [{ name: 'log.zip' }] : []),
        })
        .execute();
    }
    if (status === 'waiting_for_customer' || status === 'resolved') {
      await db
        .insertInto('activities')
        .values({
          case_id: c.id,
          type: 'status_change',
          actor_type: 'engineer',
          actor_name: 'Li Na',
          occurred_at: new Date(opened.getTime() + hours(2)),
          payload: JSON.stringify({ from: 'in_progress', to: status }),
        })
        .execute();
    }
  }
}

/** Every case the pass should have stored, evaluated on its own, against its stored row. */
async function expectStoredMatchesPerCase(which: 'all' | 'open'): Promise<number> {
  const rows = await database.db
    .selectFrom('case_sla as s')
    .innerJoin('cases as c', 'c.id', 's.case_id')
    .select([
      'c.number',
      'c.status',
      'c.merged_into',
      's.first_response_due_at',
      's.follow_up_due_at',
      's.resolution_due_at',
      's.next_due_at',
      's.next_due_kind',
      's.next_check_at',
      's.breaches_key',
      's.last_seq',
      's.cadence_business_days',
      's.cadence_source',
      's.timeline',
    ])
    .execute();
  let compared = 0;
  for (const r of rows) {
    if (r.merged_into !== null || (which === 'open' && r.status === 'closed')) continue;
    const { stored } = await evaluateCase(deps(), r.number);
    const ms = (d: Date | null) => (d === null ? null : d.getTime());
    expect(
      {
        number: r.number,
        firstResponseDueMs: ms(r.first_response_due_at),
        followUpDueMs: ms(r.follow_up_due_at),
        resolutionDueMs: ms(r.resolution_due_at),
        nextDueMs: ms(r.next_due_at),
        nextDueKind: r.next_due_kind,
        nextCheckMs: ms(r.next_check_at),
        breachesKey: r.breaches_key,
        lastSeq: Number(r.last_seq),
        cadence: r.cadence_business_days,
        cadenceSource: r.cadence_source,
        timeline: r.timeline,
      },
      r.number,
    ).toEqual({
      number: r.number,
      firstResponseDueMs: stored.firstResponseDueMs,
      followUpDueMs: stored.followUpDueMs,
      resolutionDueMs: stored.resolutionDueMs,
      nextDueMs: stored.nextDueMs,
      nextDueKind: stored.nextDueKind,
      nextCheckMs: stored.nextCheckMs,
      breachesKey: stored.breachesKey,
      lastSeq: stored.lastSeq,
      cadence: stored.cadence,
      cadenceSource: stored.cadenceSource,
      timeline: stored.timeline,
    });
    compared++;
  }
  return compared;
}

beforeAll(async () => {
  database = await openTestDatabase();
  await seed();
});
afterAll(async () => {
  await database.drop();
});

describe('the full SLA recompute in chunks', () => {
  it('stores for every case what evaluating it alone gives, reading every timeline the first time', async () => {
    const first = await runSlaScan(scanDeps(), { all: true });
    expect(first).toMatchObject({ cases: CASES, statesWritten: CASES, timelinesRead: CASES });
    expect(first?.breachesRecorded).toBeGreaterThan(5);
    // Cadence promised in mail was detected on the way.
    const detected = await database.db
      .selectFrom('case_sla')
      .select('case_id')
      .where('cadence_source', '=', 'detected')
      .execute();
    expect(detected.length).toBeGreaterThan(0);
    expect(await expectStoredMatchesPerCase('all')).toBe(CASES);
  });

  it('rewrites nothing and reads no timeline when nothing changed', async () => {
    const again = await runSlaScan(scanDeps(), { all: true });
    expect(again).toMatchObject({ statesWritten: 0, timelinesRead: 0, breachesRecorded: 0 });
    // Closed cases (every fifth) are settled and not looked at again.
    const closed = numbers.filter((_, i) => STATUSES[i % 5] === 'closed').length;
    expect(again?.cases).toBe(CASES - closed);
  });

  it('after a policy change, new mail, a merge and an engineer cadence, still matches per-case evaluation', async () => {
    const db = database.db;
    await sql`update sla_policies set first_response_hours = first_response_hours + 1,
      resolution_value = resolution_value + 2 where account_id is null`.execute(db);
    // A new engineer mail and a merge, neither touching the cases' rows: only the activities tell.
    const [late, from, to] = ['CAS-10001-RECOMP', 'CAS-10006-RECOMP', 'CAS-10008-RECOMP'];
    const ids = Object.fromEntries(
      (await db.selectFrom('cases').select(['id', 'number']).execute()).map((c) => [c.number, c.id]),
    );
    const a = await db
      .insertInto('activities')
      .values({
        case_id: ids[late] as string,
        type: 'email',
        actor_type: 'engineer',
        actor_name: 'Li Na',
        occurred_at: new Date(NOW.getTime() - 60_000),
        payload: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('emails')
      .values({
        activity_id: a.id,
        case_id: ids[late] as string,
        direction: 'outbound',
        subject: 'Re',
        to_addresses: '[]',
        cc_addresses: '[]',
        attachments: '[]',
        text_body: '我将每3个工作日与您联系一次。',
      })
      .execute();
    await moveTimelineAndMerge(db, {
      from: ids[from] as string,
      to: ids[to] as string,
      fromNumber: from as string,
    });
    await setCaseCadence(deps(), null, 'CAS-10012-RECOMP', 4);

    const after = await runSlaScan(scanDeps(), { all: true });
    // The late mail's case and the merge's survivor are read again; the rest come from digests.
    expect(after?.timelinesRead).toBe(2);
    expect(after?.statesWritten).toBeGreaterThan(10);
    expect(await expectStoredMatchesPerCase('open')).toBeGreaterThan(20);
    const late1 = await evaluateCase(deps(), late as string);
    expect(late1.cadence).toBe(3);
  });
});
