import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { SlaClockKind } from './sla.tables.js';

type Db = Kysely<DB>;

/**
 * The records that make breaches and reminders happen once: a unique row is written before anyone
 * is told, so a restart or a second server finds it and stays quiet. A reminder is about a due
 * time (case, kind, due); a breach is about a clock (case, kind, start), so a due time that moves
 * (a policy or calendar change) does not make the same breach twice.
 */
export type DueKey = { caseId: string; kind: SlaClockKind; dueAt: string };
export type BreachKey = DueKey & { startedAt: string };

/** Records breaches; returns only those recorded now (a breach already on file is never recorded again). */
export async function recordBreaches(db: Db, breaches: BreachKey[], now: Date): Promise<BreachKey[]> {
  if (breaches.length === 0) return [];
  const col = <K extends keyof BreachKey>(k: K) => breaches.map((b) => b[k]);
  // Any unique key (the clock's start, or the due time of a row from before migration 013) wins.
  const { rows } = await sql<{ case_id: string; kind: SlaClockKind; due_at: Date; started_at: Date }>`
    insert into sla_breaches (case_id, kind, started_at, due_at, recorded_at)
    select v.case_id, v.kind, v.started_at, v.due_at, ${now}::timestamptz
    from unnest(${col('caseId')}::uuid[], ${col('kind')}::text[], ${col('startedAt')}::timestamptz[],
      ${col('dueAt')}::timestamptz[]) as v(case_id, kind, started_at, due_at)
    on conflict do nothing
    returning case_id, kind, due_at, started_at`.execute(db);
  return rows.map((r) => ({
    caseId: r.case_id,
    kind: r.kind,
    dueAt: r.due_at.toISOString(),
    startedAt: r.started_at.toISOString(),
  }));
}

export async function markBreachesNotified(db: Db, breaches: BreachKey[]): Promise<void> {
  if (breaches.length === 0) return;
  await sql`update sla_breaches b set notified = true
    from unnest(${breaches.map((b) => b.caseId)}::uuid[], ${breaches.map((b) => b.kind)}::text[],
      ${breaches.map((b) => b.startedAt)}::timestamptz[]) as v(case_id, kind, started_at)
    where b.case_id = v.case_id and b.kind = v.kind and b.started_at = v.started_at`.execute(db);
}

/** Records reminders; returns only those not sent before. */
export async function recordReminders(db: Db, reminders: DueKey[], now: Date): Promise<DueKey[]> {
  if (reminders.length === 0) return [];
  const rows = await db
    .insertInto('sla_reminders')
    .values(
      reminders.map((b) => ({ case_id: b.caseId, kind: b.kind, due_at: new Date(b.dueAt), sent_at: now })),
    )
    .onConflict((oc) => oc.columns(['case_id', 'kind', 'due_at']).doNothing())
    .returning(['case_id', 'kind', 'due_at'])
    .execute();
  return rows.map((r) => ({ caseId: r.case_id, kind: r.kind, dueAt: r.due_at.toISOString() }));
}

export type BreachRecord = { kind: SlaClockKind; dueAt: string; recordedAt: string; notified: boolean };

export async function listBreaches(db: Db, caseId: string): Promise<BreachRecord[]> {
  const rows = await db
    .selectFrom('sla_breaches')
    .select(['kind', 'due_at', 'recorded_at', 'notified'])
    .where('case_id', '=', caseId)
    .orderBy('due_at')
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    dueAt: r.due_at.toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    notified: r.notified,
  }));
}
