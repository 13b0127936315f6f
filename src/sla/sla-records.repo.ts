import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { SlaClockKind } from './sla.tables.js';

type Db = Kysely<DB>;

/**
 * The records that make breaches and reminders happen once: a unique (case, kind, due time) row is
 * written before anyone is told, so a restart or a second server finds it and stays quiet.
 */
export type DueKey = { caseId: string; kind: SlaClockKind; dueAt: string };

let lastMs = 0;
let seq = 0;

/**
 * Time-ordered (version 7) UUIDs: breach ids then land at the right edge of the primary-key index
 * instead of on a random page each, which roughly halves the cost of recording a breach.
 */
export function orderedUuids(count: number): string[] {
  const random = randomBytes(count * 8).toString('hex');
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const ms = Date.now();
    if (ms > lastMs) {
      lastMs = ms;
      seq = 0;
    } else if (++seq > 0xfff) {
      lastMs++;
      seq = 0;
    }
    const t = lastMs.toString(16).padStart(12, '0');
    const r = random.slice(i * 16, i * 16 + 16);
    const variant = (8 | (Number.parseInt(r[0] as string, 16) & 3)).toString(16);
    out[i] =
      `${t.slice(0, 8)}-${t.slice(8)}-7${seq.toString(16).padStart(3, '0')}-${variant}${r.slice(1, 4)}-${r.slice(4)}`;
  }
  return out;
}

/** Records breaches; returns only those recorded now (a breach already on file is never recorded again). */
export async function recordBreaches(db: Db, breaches: DueKey[], now: Date): Promise<DueKey[]> {
  if (breaches.length === 0) return [];
  const rows = await sql<{ case_id: string; kind: SlaClockKind; due_at: Date }>`
    insert into sla_breaches(id, case_id, kind, due_at, recorded_at)
    select v.id, v.case_id, v.kind, v.due_at, ${now}::timestamptz
    from unnest(${orderedUuids(breaches.length)}::uuid[], ${breaches.map((b) => b.caseId)}::uuid[],
      ${breaches.map((b) => b.kind)}::text[], ${breaches.map((b) => b.dueAt)}::timestamptz[])
      as v(id, case_id, kind, due_at)
    on conflict (case_id, kind, due_at) do nothing
    returning case_id, kind, due_at`.execute(db);
  return rows.rows.map((r) => ({ caseId: r.case_id, kind: r.kind, dueAt: r.due_at.toISOString() }));
}

export async function markBreachesNotified(db: Db, breaches: DueKey[]): Promise<void> {
  if (breaches.length === 0) return;
  await sql`update sla_breaches b set notified = true
    from unnest(${breaches.map((b) => b.caseId)}::uuid[], ${breaches.map((b) => b.kind)}::text[],
      ${breaches.map((b) => b.dueAt)}::timestamptz[]) as v(case_id, kind, due_at)
    where b.case_id = v.case_id and b.kind = v.kind and b.due_at = v.due_at`.execute(db);
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
