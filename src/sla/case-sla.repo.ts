import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { Priority } from '../platform/db/schema.js';
import type { SlaClockKind } from './sla.tables.js';
import type { SlaActivity } from './sla-evaluator.js';
import type { CaseStatusName, StatusChange } from './sla-state.js';

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

/** A case as the SLA needs it, with its SLA settings (null when it has no case_sla row yet). */
export type SlaCaseRow = {
  id: string;
  number: string;
  title: string;
  priority: Priority;
  status: CaseStatusName;
  accountId: string | null;
  ownerId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  openedAt: Date;
  closedAt: Date | null;
  calendarId: string | null;
  cadence: number | null;
  cadenceSource: 'engineer' | 'detected' | null;
  cadenceScannedSeq: number;
  slaCreatedAt: Date | null;
  /** Breaches of the last stored evaluation (see StoredState.breachesKey). */
  breachesKey: string;
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

type RawCase = {
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

const toCase = (r: RawCase): SlaCaseRow => ({
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

/**
 * The next batch (by id, after `afterId`) of cases whose stored SLA state is missing or stale:
 * a newer activity, a change to the case row, a due time or reminder come, or (with `all`) every
 * case that is not closed. Closed cases are only looked at again when their row changes.
 */
export async function nextStaleCases(
  db: Db,
  options: { afterId: string | null; limit: number; now: Date; all: boolean },
): Promise<SlaCaseRow[]> {
  let q = caseQuery(db).where('c.merged_into', 'is', null);
  if (options.afterId) q = q.where('c.id', '>', options.afterId);
  const now = options.now;
  q = q.where((eb) =>
    options.all
      ? eb.or([
          eb('c.status', '<>', 'closed'),
          eb('s.case_id', 'is', null),
          eb('c.updated_at', '>', eb.ref('s.evaluated_at')),
        ])
      : eb.or([
          eb('s.case_id', 'is', null),
          eb('s.evaluated_at', 'is', null),
          eb('c.updated_at', '>', eb.ref('s.evaluated_at')),
          eb.and([
            eb('c.status', '<>', 'closed'),
            eb.or([
              eb('s.next_check_at', '<=', now),
              eb.exists(
                eb
                  .selectFrom('activities as a')
                  .select(sql.lit(1).as('one'))
                  .whereRef('a.case_id', '=', 'c.id')
                  .where('a.seq', '>', eb.ref('s.last_seq')),
              ),
            ]),
          ]),
        ]),
  );
  const rows = await q.orderBy('c.id').limit(options.limit).execute();
  return rows.map(toCase);
}

export type CaseTimeline = {
  activities: SlaActivity[];
  statusChanges: StatusChange[];
  lastSeq: number;
  /** Engineer mail not yet read for a cadence, newest last: [seq, text]. */
  unscannedEngineerText: { seq: number; text: string }[];
};

/**
 * The SLA-relevant timeline of many cases in one query: mails (with whether they have content),
 * calls and status changes. Bodies are fetched only for engineer mail newer than what the
 * cadence detection has read.
 */
export async function loadTimelines(db: Db, cases: SlaCaseRow[]): Promise<Map<string, CaseTimeline>> {
  const out = new Map<string, CaseTimeline>();
  if (cases.length === 0) return out;
  const ids = cases.map((c) => c.id);
  for (const id of ids)
    out.set(id, { activities: [], statusChanges: [], lastSeq: 0, unscannedEngineerText: [] });
  const rows = await db
    .selectFrom('activities as a')
    .leftJoin('emails as e', 'e.activity_id', 'a.id')
    .leftJoin('case_sla as s', 's.case_id', 'a.case_id')
    .select([
      'a.case_id',
      'a.seq',
      'a.type',
      'a.actor_type',
      'a.occurred_at',
      sql<string | null>`a.payload->>'from'`.as('status_from'),
      sql<string | null>`a.payload->>'to'`.as('status_to'),
      // "With content": any non-blank character (Unicode spaces too), or an attachment.
      sql<boolean>`(e.text_body ~ '[^[:space:]\u00a0\u3000\ufeff\u200b]' or jsonb_array_length(e.attachments) > 0)`.as(
        'has_content',
      ),
      sql<string | null>`case when a.type = 'email' and a.actor_type = 'engineer'
        and a.seq > coalesce(s.cadence_scanned_seq, 0) then e.text_body end`.as('text'),
    ])
    .where('a.case_id', 'in', ids)
    .orderBy('a.case_id')
    .orderBy('a.occurred_at')
    .orderBy('a.seq')
    .execute();
  for (const r of rows) {
    const t = out.get(r.case_id) as CaseTimeline;
    const seq = Number(r.seq);
    if (seq > t.lastSeq) t.lastSeq = seq;
    if (r.type === 'email' || r.type === 'call') {
      t.activities.push({
        at: r.occurred_at,
        kind: r.type,
        fromEngineer: r.actor_type === 'engineer',
        hasContent: r.type === 'call' || r.has_content === true,
      });
      if (r.text !== null) t.unscannedEngineerText.push({ seq, text: r.text });
    } else if (r.type === 'status_change' && r.status_to) {
      t.statusChanges.push({
        at: r.occurred_at,
        from: (r.status_from as CaseStatusName | null) ?? null,
        to: r.status_to as CaseStatusName,
      });
    }
  }
  for (const t of out.values()) t.unscannedEngineerText.sort((a, b) => a.seq - b.seq);
  return out;
}

export type StoredState = {
  caseId: string;
  calendarId: string | null;
  cadence: number | null;
  cadenceSource: 'engineer' | 'detected' | null;
  cadenceScannedSeq: number;
  state: unknown;
  lastSeq: number;
  evaluatedAt: Date;
  firstResponseDueAt: string | null;
  followUpDueAt: string | null;
  resolutionDueAt: string | null;
  nextDueAt: string | null;
  nextDueKind: SlaClockKind | null;
  nextCheckAt: string | null;
  breachesKey: string;
};

/** Upserts many evaluated states in one statement; returns each case's row creation time. */
export async function saveStates(db: Db, states: StoredState[]): Promise<Map<string, Date>> {
  const created = new Map<string, Date>();
  if (states.length === 0) return created;
  const rows = await db
    .insertInto('case_sla')
    .values(
      states.map((s) => ({
        case_id: s.caseId,
        calendar_id: s.calendarId,
        cadence_business_days: s.cadence,
        cadence_source: s.cadenceSource,
        cadence_scanned_seq: s.cadenceScannedSeq,
        state: s.state === null ? null : JSON.stringify(s.state),
        last_seq: s.lastSeq,
        evaluated_at: s.evaluatedAt,
        first_response_due_at: s.firstResponseDueAt,
        follow_up_due_at: s.followUpDueAt,
        resolution_due_at: s.resolutionDueAt,
        next_due_at: s.nextDueAt,
        next_due_kind: s.nextDueKind,
        next_check_at: s.nextCheckAt,
        breaches_key: s.breachesKey,
      })),
    )
    .onConflict((oc) =>
      oc.column('case_id').doUpdateSet((eb) => ({
        // Settings an engineer set meanwhile win over a detection made from an older read.
        cadence_business_days: sql`case when case_sla.cadence_source = 'engineer' then case_sla.cadence_business_days else ${eb.ref('excluded.cadence_business_days')} end`,
        cadence_source: sql`case when case_sla.cadence_source = 'engineer' then case_sla.cadence_source else ${eb.ref('excluded.cadence_source')} end`,
        cadence_scanned_seq: eb.ref('excluded.cadence_scanned_seq'),
        state: eb.ref('excluded.state'),
        last_seq: eb.ref('excluded.last_seq'),
        evaluated_at: eb.ref('excluded.evaluated_at'),
        first_response_due_at: eb.ref('excluded.first_response_due_at'),
        follow_up_due_at: eb.ref('excluded.follow_up_due_at'),
        resolution_due_at: eb.ref('excluded.resolution_due_at'),
        next_due_at: eb.ref('excluded.next_due_at'),
        next_due_kind: eb.ref('excluded.next_due_kind'),
        next_check_at: eb.ref('excluded.next_check_at'),
        breaches_key: eb.ref('excluded.breaches_key'),
      })),
    )
    .returning(['case_id', 'created_at'])
    .execute();
  for (const r of rows) created.set(r.case_id, r.created_at);
  return created;
}

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
