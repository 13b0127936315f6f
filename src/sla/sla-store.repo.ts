import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { StoredState } from './case-sla.repo.js';
import { type DueKey, orderedUuids } from './sla-records.repo.js';

type Db = Kysely<DB>;

/** An in-app notice to give an engineer if, and only if, its breach or reminder is recorded now. */
export type DueNotice = DueKey & { engineerId: string; message: string; dedupeKey: string };

export type ChunkWrites = {
  states: StoredState[];
  breaches: DueKey[];
  /** Notices for some of `breaches` (owned, recent enough): inserted only for breaches recorded now. */
  breachNotices: DueNotice[];
  reminders: DueKey[];
  /** Notices for some of `reminders`: inserted only for reminders recorded now. */
  reminderNotices: DueNotice[];
};

export type ChunkStored = {
  breachesRecorded: number;
  /** Dedupe keys of the notices inserted now (the rest were on file already, or their record was). */
  noticesSent: Set<string>;
};

/** The upsert of many evaluated states (one array per column, unnested); see `storeScanChunk`. */
function upsertStates(states: StoredState[], evaluatedAt: Date): RawBuilder<unknown> {
  const col = <T>(pick: (s: StoredState) => T) => states.map(pick);
  return sql`
    insert into case_sla(case_id, calendar_id, cadence_business_days, cadence_source, cadence_scanned_seq,
      state, last_seq, evaluated_at, first_response_due_at, follow_up_due_at, resolution_due_at,
      next_due_at, next_due_kind, next_check_at, breaches_key, timeline)
    select v.case_id, v.calendar_id, v.cadence, v.cadence_source, v.scanned, null, v.last_seq,
      ${evaluatedAt}::timestamptz, v.fr, v.fu, v.res, v.next_due, v.next_kind, v.next_check, v.breaches, v.timeline
    from unnest(${col((s) => s.caseId)}::uuid[], ${col((s) => s.calendarId)}::uuid[],
      ${col((s) => s.cadence)}::int[], ${col((s) => s.cadenceSource)}::text[],
      ${col((s) => s.cadenceScannedSeq)}::bigint[], ${col((s) => s.lastSeq)}::bigint[],
      ${col((s) => s.firstResponseDueAt)}::timestamptz[], ${col((s) => s.followUpDueAt)}::timestamptz[],
      ${col((s) => s.resolutionDueAt)}::timestamptz[], ${col((s) => s.nextDueAt)}::timestamptz[],
      ${col((s) => s.nextDueKind)}::text[], ${col((s) => s.nextCheckAt)}::timestamptz[],
      ${col((s) => s.breachesKey)}::text[], ${col((s) => s.timeline)}::text[])
      as v(case_id, calendar_id, cadence, cadence_source, scanned, last_seq, fr, fu, res, next_due,
        next_kind, next_check, breaches, timeline)
    on conflict (case_id) do update set
      cadence_business_days = case when case_sla.cadence_source = 'engineer'
        then case_sla.cadence_business_days else excluded.cadence_business_days end,
      cadence_source = case when case_sla.cadence_source = 'engineer'
        then case_sla.cadence_source else excluded.cadence_source end,
      cadence_scanned_seq = excluded.cadence_scanned_seq,
      state = null,
      last_seq = excluded.last_seq,
      evaluated_at = excluded.evaluated_at,
      first_response_due_at = excluded.first_response_due_at,
      follow_up_due_at = excluded.follow_up_due_at,
      resolution_due_at = excluded.resolution_due_at,
      next_due_at = excluded.next_due_at,
      next_due_kind = excluded.next_due_kind,
      next_check_at = excluded.next_check_at,
      breaches_key = excluded.breaches_key,
      timeline = excluded.timeline`;
}

const keys = (list: DueKey[]) => sql`${list.map((k) => k.caseId)}::uuid[], ${list.map((k) => k.kind)}::text[],
  ${list.map((k) => k.dueAt)}::timestamptz[]`;

/** Notices of `kind` for the due keys a sibling insert (`recorded`) returned: those just recorded. */
function noticesFor(recorded: string, kind: string, notices: DueNotice[]): RawBuilder<unknown> {
  return sql`
    insert into notifications(engineer_id, case_id, kind, message, dedupe_key)
    select v.engineer_id, v.case_id, ${kind}, v.message, v.dedupe_key
    from unnest(${keys(notices)}, ${notices.map((n) => n.engineerId)}::uuid[],
      ${notices.map((n) => n.message)}::text[], ${notices.map((n) => n.dedupeKey)}::text[])
      as v(case_id, kind, due_at, engineer_id, message, dedupe_key)
    join ${sql.table(recorded)} r on r.case_id = v.case_id and r.kind = v.kind and r.due_at = v.due_at
    on conflict do nothing
    returning dedupe_key`;
}

/**
 * Everything a scan pass writes for one chunk, in one statement: the changed states, the breaches
 * (each once, by its unique key), the reminders (likewise), and in-app notices only for the breaches
 * and reminders recorded by this statement (each once, by its dedupe key). One statement keeps the
 * database busy while the next chunk is evaluated; breaches are then marked notified separately.
 */
export async function storeScanChunk(db: Db, w: ChunkWrites, now: Date): Promise<ChunkStored> {
  const result = await sql<{ breaches: number; sent: string[] | null }>`
    with states as (${upsertStates(w.states, now)}),
    b as (
      insert into sla_breaches(id, case_id, kind, due_at, recorded_at)
      select v.id, v.case_id, v.kind, v.due_at, ${now}::timestamptz
      from unnest(${orderedUuids(w.breaches.length)}::uuid[], ${keys(w.breaches)}) as v(id, case_id, kind, due_at)
      on conflict (case_id, kind, due_at) do nothing
      returning case_id, kind, due_at),
    bn as (${noticesFor('b', 'sla.breach', w.breachNotices)}),
    r as (
      insert into sla_reminders(case_id, kind, due_at, sent_at)
      select v.case_id, v.kind, v.due_at, ${now}::timestamptz from unnest(${keys(w.reminders)}) as v(case_id, kind, due_at)
      on conflict (case_id, kind, due_at) do nothing
      returning case_id, kind, due_at),
    rn as (${noticesFor('r', 'sla.reminder', w.reminderNotices)})
    select (select count(*)::int from b) as breaches,
      (select array_agg(dedupe_key) from (select dedupe_key from bn union all select dedupe_key from rn) n) as sent`.execute(
    db,
  );
  const row = result.rows[0];
  return { breachesRecorded: Number(row?.breaches ?? 0), noticesSent: new Set(row?.sent ?? []) };
}
