import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { SlaCaseRow, StoredState } from './case-sla.repo.js';
import type { SlaClockKind } from './sla.tables.js';
import { type CaseTimeline, fromDigest, loadTimelines } from './sla-timelines.repo.js';

type Db = Kysely<DB>;

/** What the last stored evaluation of a case wrote, to skip rewriting a state that did not change. */
export type PriorState = {
  evaluatedAtMs: number | null;
  updatedAtMs: number;
  lastSeq: number;
  timeline: string | null;
  firstResponseDueMs: number | null;
  followUpDueMs: number | null;
  resolutionDueMs: number | null;
  nextDueMs: number | null;
  nextDueKind: SlaClockKind | null;
  nextCheckMs: number | null;
};

export type ScanChunk = {
  cases: SlaCaseRow[];
  timelines: Map<string, CaseTimeline>;
  prior: Map<string, PriorState>;
  /** Cases whose timeline was read from activities and mail (no usable digest). */
  reloaded: number;
};

/**
 * A case row with its stored state. The scalars come packed in one JSON array (`PACKED`, instants
 * as epoch ms): a full recompute reads 100k rows, and the driver's cost is per field.
 */
type ChunkRow = {
  id: string;
  number: string;
  title: string;
  owner_name: string | null;
  owner_email: string | null;
  breaches_key: string | null;
  timeline: string | null;
  f: string;
};

type Packed = [
  priority: SlaCaseRow['priority'],
  status: SlaCaseRow['status'],
  accountId: string | null,
  ownerId: string | null,
  calendarId: string | null,
  cadence: number | null,
  cadenceSource: SlaCaseRow['cadenceSource'],
  cadenceScannedSeq: number | null,
  lastSeq: number | null,
  nextDueKind: SlaClockKind | null,
  hasSla: boolean,
  openedMs: number,
  closedMs: number | null,
  updatedMs: number,
  slaCreatedMs: number | null,
  evaluatedMs: number | null,
  firstResponseDueMs: number | null,
  followUpDueMs: number | null,
  resolutionDueMs: number | null,
  nextDueMs: number | null,
  nextCheckMs: number | null,
];

const date = (v: number | null) => (v === null ? null : new Date(v));

/** The columns of `Packed`, in its order. */
const PACKED = sql.raw(`json_build_array(c.priority, c.status, c.account_id, c.owner_id, s.calendar_id,
  s.cadence_business_days, s.cadence_source, s.cadence_scanned_seq, s.last_seq, s.next_due_kind,
  s.case_id is not null, ${[
    'c.opened_at',
    'c.closed_at',
    'c.updated_at',
    's.created_at',
    's.evaluated_at',
    's.first_response_due_at',
    's.follow_up_due_at',
    's.resolution_due_at',
    's.next_due_at',
    's.next_check_at',
  ]
    .map((column) => `(extract(epoch from ${column}) * 1000)::float8`)
    .join(', ')})::text`);

/**
 * Which cases a pass looks at: with `all` every case not closed (and any whose row changed since
 * its last evaluation); otherwise those whose stored state is missing or stale (a newer activity,
 * a change to the case row, a due time or reminder come). Closed cases are only looked at again
 * when their row changes.
 */
function staleFilter(all: boolean, now: Date): RawBuilder<boolean> {
  if (all) return sql`(c.status <> 'closed' or s.case_id is null or c.updated_at > s.evaluated_at)`;
  return sql`(s.case_id is null or s.evaluated_at is null or c.updated_at > s.evaluated_at
    or (c.status <> 'closed' and (s.next_check_at <= ${now}
      or exists (select 1 from activities a where a.case_id = c.id and a.seq > s.last_seq))))`;
}

/**
 * The next chunk (by case id, after `afterId`) of cases to evaluate, with their stored state and
 * each case's timeline stamps (entry count, highest seq, from the activities index alone). Timelines come from the stored digest when it still matches the stamps and the
 * case row has not changed since; the rest are read from activities and mail in one more query.
 */
export async function loadScanChunk(
  db: Db,
  options: { afterId: string | null; limit: number; now: Date; all: boolean },
): Promise<ScanChunk> {
  // The bound goes on case_sla too, so the merge join does not walk its index from the start.
  const after = (column: string) =>
    options.afterId === null ? sql`true` : sql`${sql.ref(column)} > ${options.afterId}::uuid`;
  const result = await sql<ChunkRow>`
    select c.id, c.number, c.title, o.name as owner_name, o.email as owner_email, s.breaches_key,
      s.timeline, ${PACKED} as f
    from cases c
    left join case_sla s on s.case_id = c.id and ${after('s.case_id')}
    left join engineers o on o.id = c.owner_id
    where c.merged_into is null and ${after('c.id')} and ${staleFilter(options.all, options.now)}
    order by c.id
    limit ${options.limit}`.execute(db);
  const stamps = new Map<string, { count: number; lastSeq: number }>();
  if (result.rows.length > 0) {
    // Entry count and highest seq of every case in the chunk's id range: one range scan of the
    // activities index, no table rows read.
    const counted = await sql<{ case_id: string; n: number; m: number }>`
      select case_id, count(*) as n, max(seq) as m from activities
      where case_id >= ${(result.rows[0] as ChunkRow).id}::uuid
        and case_id <= ${(result.rows[result.rows.length - 1] as ChunkRow).id}::uuid
      group by case_id`.execute(db);
    for (const r of counted.rows) stamps.set(r.case_id, { count: Number(r.n), lastSeq: Number(r.m) });
  }

  const cases: SlaCaseRow[] = [];
  const prior = new Map<string, PriorState>();
  const timelines = new Map<string, CaseTimeline>();
  const reload: string[] = [];
  for (const r of result.rows) {
    const [
      priority,
      status,
      accountId,
      ownerId,
      calendarId,
      cadence,
      cadenceSource,
      scannedSeq,
      lastSeq,
      nextDueKind,
      hasSla,
      openedMs,
      closedMs,
      updatedMs,
      slaCreatedMs,
      evaluatedMs,
      frMs,
      fuMs,
      resMs,
      nextDueMs,
      nextCheckMs,
    ] = JSON.parse(r.f) as Packed;
    cases.push({
      id: r.id,
      number: r.number,
      title: r.title,
      priority,
      status,
      accountId,
      ownerId,
      ownerName: r.owner_name,
      ownerEmail: r.owner_email,
      openedAt: new Date(openedMs),
      closedAt: date(closedMs),
      calendarId,
      cadence,
      cadenceSource,
      cadenceScannedSeq: scannedSeq ?? 0,
      slaCreatedAt: date(slaCreatedMs),
      breachesKey: r.breaches_key ?? '',
    });
    if (hasSla) {
      prior.set(r.id, {
        evaluatedAtMs: evaluatedMs,
        updatedAtMs: updatedMs,
        lastSeq: lastSeq ?? 0,
        timeline: r.timeline,
        firstResponseDueMs: frMs,
        followUpDueMs: fuMs,
        resolutionDueMs: resMs,
        nextDueMs,
        nextDueKind,
        nextCheckMs,
      });
    }
    const rowUnchanged = evaluatedMs !== null && updatedMs <= evaluatedMs;
    const own = stamps.get(r.id) ?? { count: 0, lastSeq: 0 };
    const fromStore = rowUnchanged ? fromDigest(r.timeline, own) : null;
    if (fromStore) timelines.set(r.id, fromStore);
    else reload.push(r.id);
  }
  if (reload.length > 0) {
    // Most of the chunk (a first pass): one range scan of the index beats a list of ids.
    const first = cases[0] as SlaCaseRow;
    const last = cases[cases.length - 1] as SlaCaseRow;
    const loaded = await loadTimelines(
      db,
      reload.length * 2 > cases.length ? { from: first.id, to: last.id } : { ids: reload },
    );
    for (const id of reload) {
      const t = loaded.get(id);
      if (t) timelines.set(id, t);
    }
  }
  return { cases, timelines, prior, reloaded: reload.length };
}

/** True when storing `s` would write what the row already holds (apart from `evaluated_at`). */
export function unchangedSince(prior: PriorState | undefined, row: SlaCaseRow, s: StoredState): boolean {
  if (!prior || prior.evaluatedAtMs === null || prior.updatedAtMs > prior.evaluatedAtMs) return false;
  return (
    prior.timeline === s.timeline &&
    prior.lastSeq === s.lastSeq &&
    row.cadenceScannedSeq === s.cadenceScannedSeq &&
    row.cadence === s.cadence &&
    row.cadenceSource === s.cadenceSource &&
    row.breachesKey === s.breachesKey &&
    prior.nextDueKind === s.nextDueKind &&
    prior.firstResponseDueMs === s.firstResponseDueMs &&
    prior.followUpDueMs === s.followUpDueMs &&
    prior.resolutionDueMs === s.resolutionDueMs &&
    prior.nextDueMs === s.nextDueMs &&
    prior.nextCheckMs === s.nextCheckMs
  );
}

/** A state to store; `timeline` null when the row already holds the same digest (nothing to send). */
export type StateUpdate = Omit<StoredState, 'timeline'> & { timeline: string | null };

const stateColumns = (states: StateUpdate[]) => {
  const col = <T>(pick: (s: StateUpdate) => T) => states.map(pick);
  return sql`unnest(${col((s) => s.caseId)}::uuid[], ${col((s) => s.calendarId)}::uuid[],
      ${col((s) => s.cadence)}::int[], ${col((s) => s.cadenceSource)}::text[],
      ${col((s) => s.cadenceScannedSeq)}::bigint[], ${col((s) => s.lastSeq)}::bigint[],
      ${col((s) => s.firstResponseDueMs)}::float8[], ${col((s) => s.followUpDueMs)}::float8[],
      ${col((s) => s.resolutionDueMs)}::float8[], ${col((s) => s.nextDueMs)}::float8[],
      ${col((s) => s.nextDueKind)}::text[], ${col((s) => s.nextCheckMs)}::float8[],
      ${col((s) => s.breachesKey)}::text[], ${col((s) => s.timeline)}::text[])
      as v(case_id, calendar_id, cadence, cadence_source, scanned, last_seq, fr_ms, fu_ms, res_ms, next_due_ms,
        next_kind, next_check_ms, breaches, timeline)`;
};

/** A timestamp from epoch ms, exactly (whole milliseconds times an interval: no float rounding). */
const instant = (column: string) => sql.raw(`(timestamptz 'epoch' + ${column} * interval '1 millisecond')`);

/**
 * Stores evaluated states of cases that have an SLA row, in one statement. A cadence an engineer
 * set meanwhile wins over a detection made from an older read. No index covers a column written
 * here (migration 013), so PostgreSQL rewrites the rows in place.
 */
export async function updateStates(db: Db, states: StateUpdate[], evaluatedAt: Date): Promise<void> {
  if (states.length === 0) return;
  await sql`
    update case_sla s set
      cadence_business_days = case when s.cadence_source = 'engineer'
        then s.cadence_business_days else v.cadence end,
      cadence_source = case when s.cadence_source = 'engineer' then s.cadence_source else v.cadence_source end,
      cadence_scanned_seq = v.scanned,
      state = null,
      last_seq = v.last_seq,
      evaluated_at = ${evaluatedAt}::timestamptz,
      first_response_due_at = ${instant('v.fr_ms')},
      follow_up_due_at = ${instant('v.fu_ms')},
      resolution_due_at = ${instant('v.res_ms')},
      next_due_at = ${instant('v.next_due_ms')},
      next_due_kind = v.next_kind,
      next_check_at = ${instant('v.next_check_ms')},
      breaches_key = v.breaches,
      timeline = coalesce(v.timeline, s.timeline)
    from ${stateColumns(states)}
    where s.case_id = v.case_id`.execute(db);
}

/**
 * Stores evaluated states of cases seen for the first time. A case whose SLA row another writer
 * created meanwhile (an engineer setting a cadence) is updated instead, keeping that cadence.
 */
export async function saveStates(db: Db, states: StoredState[], evaluatedAt: Date): Promise<void> {
  if (states.length === 0) return;
  const { rows } = await sql<{ case_id: string }>`
    insert into case_sla(case_id, calendar_id, cadence_business_days, cadence_source, cadence_scanned_seq,
      state, last_seq, evaluated_at, first_response_due_at, follow_up_due_at, resolution_due_at,
      next_due_at, next_due_kind, next_check_at, breaches_key, timeline)
    select v.case_id, v.calendar_id, v.cadence, v.cadence_source, v.scanned, null, v.last_seq,
      ${evaluatedAt}::timestamptz, ${instant('v.fr_ms')}, ${instant('v.fu_ms')}, ${instant('v.res_ms')},
      ${instant('v.next_due_ms')}, v.next_kind, ${instant('v.next_check_ms')}, v.breaches, v.timeline
    from ${stateColumns(states)}
    on conflict (case_id) do nothing
    returning case_id`.execute(db);
  const inserted = new Set(rows.map((r) => r.case_id));
  await updateStates(
    db,
    states.filter((s) => !inserted.has(s.caseId)),
    evaluatedAt,
  );
}
