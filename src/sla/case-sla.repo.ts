import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { Priority } from '../platform/db/schema.js';
import type { SlaClockKind } from './sla.tables.js';
import type { CaseStatusName } from './sla-state.js';

type Db = Kysely<DB>;

/**
 * Takes the scan lock for the rest of the transaction, or returns false when another server holds
 * it. Keyed by schema, so CaseDesk instances (or test runs) in other schemas of the same server
 * do not wait for each other.
 */
export async function tryScanLock(trx: Db): Promise<boolean> {
  const got = await sql<{
    ok: boolean;
  }>`select pg_try_advisory_xact_lock(7305405, hashtext(current_schema())) as ok`.execute(trx);
  return got.rows[0]?.ok === true;
}

/**
 * What evaluating a case reads of its row and SLA settings: the scheduler's full pass loads just
 * this for every open case (labels for notices are read only for the few cases that get one).
 */
export type SlaCaseInputs = {
  id: string;
  priority: Priority;
  status: CaseStatusName;
  accountId: string | null;
  ownerId: string | null;
  /** Epoch ms (whole milliseconds, as a Date holds them). */
  openedAtMs: number;
  closedAtMs: number | null;
  calendarId: string | null;
  cadence: number | null;
  cadenceSource: 'engineer' | 'detected' | null;
  cadenceScannedSeq: number;
  /** Breaches of the last stored evaluation (see StoredState.breachesKey). */
  breachesKey: string;
};

/** A case as the SLA needs it, with its SLA settings (null when it has no case_sla row yet). */
export type SlaCaseRow = SlaCaseInputs & {
  number: string;
  title: string;
  ownerName: string | null;
  ownerEmail: string | null;
  openedAt: Date;
  closedAt: Date | null;
  slaCreatedAt: Date | null;
};

function caseQuery(db: Db) {
  return db
    .selectFrom('cases as c')
    .leftJoin('case_sla as s', 's.case_id', 'c.id')
    .leftJoin('engineers as o', 'o.id', 'c.owner_id')
    .select([
      'c.id',
      'c.number',
      'c.title',
      'c.priority',
      'c.status',
      'c.account_id',
      'c.owner_id',
      'o.name as owner_name',
      'o.email as owner_email',
      'c.opened_at',
      'c.closed_at',
      's.calendar_id',
      's.cadence_business_days',
      's.cadence_source',
      's.cadence_scanned_seq',
      's.created_at as sla_created_at',
      's.breaches_key',
    ]);
}

export type RawCase = {
  id: string;
  number: string;
  title: string;
  priority: Priority;
  status: CaseStatusName;
  account_id: string | null;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  opened_at: Date;
  closed_at: Date | null;
  calendar_id: string | null;
  cadence_business_days: number | null;
  cadence_source: 'engineer' | 'detected' | null;
  cadence_scanned_seq: number | null;
  sla_created_at: Date | null;
  breaches_key: string | null;
};

export const toCase = (r: RawCase): SlaCaseRow => ({
  id: r.id,
  number: r.number,
  title: r.title,
  priority: r.priority,
  status: r.status,
  accountId: r.account_id,
  ownerId: r.owner_id,
  ownerName: r.owner_name,
  ownerEmail: r.owner_email,
  openedAt: r.opened_at,
  closedAt: r.closed_at,
  openedAtMs: r.opened_at.getTime(),
  closedAtMs: r.closed_at === null ? null : r.closed_at.getTime(),
  calendarId: r.calendar_id,
  cadence: r.cadence_business_days,
  cadenceSource: r.cadence_source,
  cadenceScannedSeq: Number(r.cadence_scanned_seq ?? 0),
  slaCreatedAt: r.sla_created_at,
  breachesKey: r.breaches_key ?? '',
});

export async function findSlaCase(db: Db, number: string): Promise<SlaCaseRow | null> {
  const row = await caseQuery(db).where('c.number', '=', number).executeTakeFirst();
  return row ? toCase(row) : null;
}

export type StoredState = {
  caseId: string;
  calendarId: string | null;
  cadence: number | null;
  cadenceSource: 'engineer' | 'detected' | null;
  cadenceScannedSeq: number;
  lastSeq: number;
  /** Due times and the next check, in epoch ms. */
  firstResponseDueMs: number | null;
  followUpDueMs: number | null;
  resolutionDueMs: number | null;
  nextDueMs: number | null;
  nextDueKind: SlaClockKind | null;
  nextCheckMs: number | null;
  breachesKey: string;
  /** The timeline the state was computed from (see `toDigest`). */
  timeline: string;
};

/**
 * Stores a cadence detected in engineer mail (never over one an engineer set) and how far the
 * mail has been read; the scheduler re-evaluates the case on its next pass.
 */
export async function saveDetectedCadence(
  db: Db,
  caseId: string,
  detected: { days: number | null; scannedSeq: number },
  now: Date,
): Promise<void> {
  const values = {
    cadence_scanned_seq: detected.scannedSeq,
    ...(detected.days !== null
      ? { cadence_business_days: detected.days, cadence_source: 'detected' as const }
      : {}),
    next_check_at: now,
  };
  await db
    .insertInto('case_sla')
    .values({ case_id: caseId, ...values })
    .onConflict((oc) =>
      oc.column('case_id').doUpdateSet({
        cadence_scanned_seq: detected.scannedSeq,
        next_check_at: now,
        ...(detected.days !== null
          ? {
              cadence_business_days: sql`case when case_sla.cadence_source = 'engineer' then case_sla.cadence_business_days else ${detected.days}::int end`,
              cadence_source: sql`case when case_sla.cadence_source = 'engineer' then case_sla.cadence_source else 'detected' end`,
            }
          : {}),
      }),
    )
    .execute();
}

/** Sets a case's own cadence and/or calendar, creating its SLA row if needed; the state goes stale. */
export async function saveCaseSettings(
  db: Db,
  caseId: string,
  settings: {
    cadence?: { days: number | null; source: 'engineer' | 'detected' | null; by: string | null; at: Date };
    calendarId?: string | null;
  },
  now: Date,
): Promise<void> {
  const values = {
    ...(settings.cadence
      ? {
          cadence_business_days: settings.cadence.days,
          cadence_source: settings.cadence.source,
          cadence_set_by: settings.cadence.by,
          cadence_set_at: settings.cadence.at,
        }
      : {}),
    ...(settings.calendarId !== undefined ? { calendar_id: settings.calendarId } : {}),
    next_check_at: now,
  };
  await db
    .insertInto('case_sla')
    .values({ case_id: caseId, ...values })
    .onConflict((oc) => oc.column('case_id').doUpdateSet(values))
    .execute();
}

export type BreachingRow = {
  number: string;
  title: string;
  priority: Priority;
  status: CaseStatusName;
  owner: string | null;
  nextDueAt: Date;
  nextDueKind: SlaClockKind | null;
  evaluatedAt: Date | null;
};

/** Open cases whose next due time is before `until` (overdue ones included), soonest first. */
export async function listBreaching(
  db: Db,
  options: { until: Date; limit: number; owner?: string },
): Promise<BreachingRow[]> {
  let q = db
    .selectFrom('case_sla as s')
    .innerJoin('cases as c', 'c.id', 's.case_id')
    .leftJoin('engineers as o', 'o.id', 'c.owner_id')
    .select([
      'c.number',
      'c.title',
      'c.priority',
      'c.status',
      'o.name as owner',
      's.next_due_at',
      's.next_due_kind',
      's.evaluated_at',
    ])
    .where('s.next_due_at', 'is not', null)
    .where('s.next_due_at', '<=', options.until)
    .where('c.status', '<>', 'closed')
    .where('c.merged_into', 'is', null);
  if (options.owner) q = q.where('o.name', '=', options.owner);
  const rows = await q.orderBy('s.next_due_at').limit(options.limit).execute();
  return rows.map((r) => ({
    number: r.number,
    title: r.title,
    priority: r.priority,
    status: r.status,
    owner: r.owner,
    nextDueAt: r.next_due_at as Date,
    nextDueKind: r.next_due_kind,
    evaluatedAt: r.evaluated_at,
  }));
}
