import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { StoredState } from './case-sla.repo.js';
import type { SlaClockKind } from './sla.tables.js';
import type { ScanCase } from './sla-chunks.repo.js';

type Db = Kysely<DB>;

/** Writing evaluated SLA states: which rows change, and the statements that store them. */

/** True when what a state is computed from is what the stored row holds: only due times may differ. */
export function sameInputs(row: ScanCase, s: StoredState): boolean {
  const prior = row.prior;
  if (!prior?.rowUnchanged) return false;
  return (
    prior.timeline === s.timeline &&
    prior.lastSeq === s.lastSeq &&
    row.cadenceScannedSeq === s.cadenceScannedSeq &&
    row.cadence === s.cadence &&
    row.cadenceSource === s.cadenceSource &&
    row.breachesKey === s.breachesKey
  );
}

/** True when storing `s` would write what the row already holds (apart from `evaluated_at`). */
export function unchangedSince(row: ScanCase, s: StoredState): boolean {
  const prior = row.prior;
  if (!prior || !sameInputs(row, s)) return false;
  return (
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

/**
 * PostgreSQL array literals, built here rather than by the driver's generic serializer: a full
 * recompute after a policy change sends 100k states. Ids are uuids and numbers are finite, so only
 * text needs quoting.
 */
const idArray = (v: (string | null)[]) => `{${v.map((x) => x ?? 'NULL').join(',')}}`;
const numberArray = (v: (number | null)[]) =>
  `{${v.map((x) => (x === null ? 'NULL' : String(x))).join(',')}}`;
const textArray = (v: (string | null)[]) =>
  `{${v.map((x) => (x === null ? 'NULL' : `"${x.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;

/** Doubles with NaN for null (so a batch's columns stay unboxed double arrays). */
const doubleArray = (v: number[]) => `{${v.map((x) => (Number.isNaN(x) ? 'NULL' : String(x))).join(',')}}`;

/**
 * New due times of states whose inputs did not change, in columns: a policy or calendar change
 * rewrites 100k of them, and a column of doubles costs the garbage collector nothing per entry.
 */
export class DueTimesBatch {
  readonly caseIds: string[] = [];
  readonly firstResponse: number[] = [];
  readonly followUp: number[] = [];
  readonly resolution: number[] = [];
  readonly nextDue: number[] = [];
  readonly nextDueKind: (SlaClockKind | null)[] = [];
  readonly nextCheck: number[] = [];

  get size(): number {
    return this.caseIds.length;
  }

  add(s: StoredState): void {
    this.caseIds.push(s.caseId);
    this.firstResponse.push(s.firstResponseDueMs ?? Number.NaN);
    this.followUp.push(s.followUpDueMs ?? Number.NaN);
    this.resolution.push(s.resolutionDueMs ?? Number.NaN);
    this.nextDue.push(s.nextDueMs ?? Number.NaN);
    this.nextDueKind.push(s.nextDueKind);
    this.nextCheck.push(s.nextCheckMs ?? Number.NaN);
  }
}

const stateColumns = (states: StateUpdate[]) => {
  const col = <T>(pick: (s: StateUpdate) => T) => states.map(pick);
  return sql`unnest(${idArray(col((s) => s.caseId))}::uuid[], ${idArray(col((s) => s.calendarId))}::uuid[],
      ${numberArray(col((s) => s.cadence))}::int[], ${textArray(col((s) => s.cadenceSource))}::text[],
      ${numberArray(col((s) => s.cadenceScannedSeq))}::bigint[], ${numberArray(col((s) => s.lastSeq))}::bigint[],
      ${numberArray(col((s) => s.firstResponseDueMs))}::float8[], ${numberArray(col((s) => s.followUpDueMs))}::float8[],
      ${numberArray(col((s) => s.resolutionDueMs))}::float8[], ${numberArray(col((s) => s.nextDueMs))}::float8[],
      ${textArray(col((s) => s.nextDueKind))}::text[], ${numberArray(col((s) => s.nextCheckMs))}::float8[],
      ${textArray(col((s) => s.breachesKey))}::text[], ${textArray(col((s) => s.timeline))}::text[])
      as v(case_id, calendar_id, cadence, cadence_source, scanned, last_seq, fr_ms, fu_ms, res_ms, next_due_ms,
        next_kind, next_check_ms, breaches, timeline)`;
};

/** A timestamp from epoch ms, exactly (whole milliseconds times an interval: no float rounding). */
const instant = (column: string) => sql.raw(`(timestamptz 'epoch' + ${column} * interval '1 millisecond')`);

/** The columns both state updates set from `v`: the evaluation's instant, due times and next check. */
const dueTimeAssignments = (evaluatedAt: Date) => sql`
      evaluated_at = ${evaluatedAt}::timestamptz,
      first_response_due_at = ${instant('v.fr_ms')},
      follow_up_due_at = ${instant('v.fu_ms')},
      resolution_due_at = ${instant('v.res_ms')},
      next_due_at = ${instant('v.next_due_ms')},
      next_due_kind = v.next_kind,
      next_check_at = ${instant('v.next_check_ms')}`;

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
      ${dueTimeAssignments(evaluatedAt)},
      breaches_key = v.breaches,
      timeline = coalesce(v.timeline, s.timeline)
    from ${stateColumns(states)}
    where s.case_id = v.case_id`.execute(db);
}

/**
 * Stores new due times of states whose inputs did not change (what a policy or calendar change
 * moves): a third of the columns of `updateStates` to build, send and parse, for most of such a pass.
 */
export async function updateDueTimes(db: Db, batch: DueTimesBatch, evaluatedAt: Date): Promise<void> {
  if (batch.size === 0) return;
  await sql`
    update case_sla s set
      ${dueTimeAssignments(evaluatedAt)}
    from unnest(${idArray(batch.caseIds)}::uuid[],
      ${doubleArray(batch.firstResponse)}::float8[], ${doubleArray(batch.followUp)}::float8[],
      ${doubleArray(batch.resolution)}::float8[], ${doubleArray(batch.nextDue)}::float8[],
      ${textArray(batch.nextDueKind)}::text[], ${doubleArray(batch.nextCheck)}::float8[])
      as v(case_id, fr_ms, fu_ms, res_ms, next_due_ms, next_kind, next_check_ms)
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
