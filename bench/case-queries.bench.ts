import { sql } from 'kysely';
import { listCases } from '../src/cases/cases.repo.js';
import { getCaseDetail } from '../src/cases/cases.service.js';
import { fixedClock } from '../src/platform/clock.js';
import type { Database } from '../src/platform/db/database.js';
import { type BenchModule, percentile } from './lib.js';
import { openBenchDatabase } from './support.js';

/**
 * 100,000 cases spread over 50 accounts and 20 engineers, each with a short timeline (an inbound mail,
 * an outbound reply, a note), loaded with set-based SQL; then list and get latencies in-process.
 */
async function seedCases(database: Database, n: number): Promise<void> {
  await sql`insert into accounts(name) select 'ACCT' || g from generate_series(1, 50) g`.execute(database.db);
  await sql`insert into engineers(name) select 'Engineer ' || g from generate_series(1, 20) g`.execute(
    database.db,
  );
  await sql`
    insert into cases(number, title, account_id, priority, status, stage, owner_id, tracking_token, opened_at, updated_at)
    select 'CAS-' || lpad((g % 100000)::text, 5, '0') || '-' || upper(substr(md5(g::text), 1, 6)),
           '补丁更新失败 case ' || g,
           (select id from accounts order by name offset (g % 50) limit 1),
           (array['P1','P2','P3','P4'])[1 + g % 4],
           (array['new','in_progress','waiting_for_customer','resolved','closed'])[1 + g % 5],
           '初次响应',
           case when g % 7 = 0 then null else (select id from engineers order by name offset (g % 20) limit 1) end,
           'BENCH:' || lpad(g::text, 7, '0'),
           now() - (g || ' minutes')::interval,
           now() - (g || ' seconds')::interval
    from generate_series(1, ${n}) g`.execute(database.db);
  await sql`
    insert into activities(case_id, type, actor_type, actor_name, occurred_at, payload)
    select c.id, t.type, t.actor, 'someone', c.opened_at + (t.n || ' minutes')::interval, '{}'::jsonb
    from cases c cross join (values (1, 'email', 'contact'), (2, 'email', 'engineer'), (3, 'note', 'engineer')) t(n, type, actor)`.execute(
    database.db,
  );
  await sql`
    insert into emails(activity_id, case_id, direction, from_name, subject, text_body, sent_at)
    select a.id, a.case_id, case when a.actor_type = 'engineer' then 'outbound' else 'inbound' end, 'someone',
           'Re: 补丁更新失败', repeat('日志分析结果 ', 40), a.occurred_at
    from activities a where a.type = 'email'`.execute(database.db);
  await sql`analyze`.execute(database.db);
}

async function measure(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

export const run: BenchModule['run'] = async ({ quick }) => {
  const n = quick ? 10_000 : 100_000;
  const runs = quick ? 100 : 400;
  const figures = [];
  for (const kind of ['postgres', 'pglite'] as const) {
    const database = await openBenchDatabase(kind);
    try {
      await seedCases(database, n);
      const numbers = (
        await database.db.selectFrom('cases').select('number').orderBy(sql`random()`).limit(runs).execute()
      ).map((r) => r.number);
      const deps = { db: database.db, clock: fixedClock(new Date()), trackingPrefix: 'CD' };
      const filters = [
        { page: 1, pageSize: 50 },
        { status: ['in_progress' as const, 'new' as const], page: 1, pageSize: 50 },
        { owner: 'Engineer 7', page: 2, pageSize: 50 },
        { account: 'ACCT12', status: ['waiting_for_customer' as const], page: 1, pageSize: 50 },
      ];
      let i = 0;
      const list = await measure(
        () => listCases(database.db, filters[i++ % filters.length] ?? { page: 1, pageSize: 50 }),
        runs,
      );
      // Per-filter p95, to see which query shape is slow.
      const perFilter = filters.map((_, f) =>
        Number(
          percentile(
            list.filter((__, k) => (k + 20) % filters.length === f),
            95,
          ).toFixed(2),
        ),
      );
      let j = 0;
      const get = await measure(() => getCaseDetail(deps, numbers[j++ % numbers.length] as string), runs);
      for (const [what, times] of [
        ['list', list],
        ['get', get],
      ] as const) {
        figures.push({
          name: `case_${what}_${kind}_p95_ms`,
          value: Number(percentile(times, 95).toFixed(2)),
          unit: 'ms',
          target: 20,
          better: 'lower' as const,
          params: {
            cases: n,
            runs,
            database: kind,
            p50: Number(percentile(times, 50).toFixed(2)),
            p99: Number(percentile(times, 99).toFixed(2)),
            ...(what === 'list'
              ? { filters: 'none; status in 2; owner page 2; account+status', perFilterP95: perFilter }
              : { timeline: 3 }),
          },
        });
      }
    } finally {
      await database.drop();
    }
  }
  return figures;
};
