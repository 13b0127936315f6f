import type { Kysely } from 'kysely';
import type { ClosureReason } from '../kb/workflow.tables.js';
import type { DB } from '../platform/db/db.js';

type Db = Kysely<DB>;

export type CaseClosure = {
  id: string;
  reason: ClosureReason;
  consentActivityId: string | null;
  noConsent: boolean;
  summary: string;
  summaryActivityId: string | null;
  closedBy: string | null;
  closedAt: string;
  reopenedAt: string | null;
  reopenedBy: string | null;
  reopenReason: string | null;
};

export async function insertClosure(
  db: Db,
  input: {
    caseId: string;
    reason: ClosureReason;
    consentActivityId: string | null;
    noConsent: boolean;
    summary: string;
    summaryActivityId: string | null;
    closedBy: string | null;
    closedAt: Date;
  },
): Promise<string> {
  const row = await db
    .insertInto('case_closures')
    .values({
      case_id: input.caseId,
      reason: input.reason,
      consent_activity_id: input.consentActivityId,
      no_consent: input.noConsent,
      summary: input.summary,
      summary_activity_id: input.summaryActivityId,
      closed_by: input.closedBy,
      closed_at: input.closedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks the case's latest closure as reopened. */
export async function markReopened(
  db: Db,
  caseId: string,
  input: { at: Date; by: string | null; reason: string },
): Promise<void> {
  await db
    .updateTable('case_closures')
    .set({ reopened_at: input.at, reopened_by: input.by, reopen_reason: input.reason })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('case_closures')
        .select('id')
        .where('case_id', '=', caseId)
        .orderBy('closed_at', 'desc')
        .limit(1),
    )
    .where('reopened_at', 'is', null)
    .execute();
}

/** Every closure of a case, latest first. */
export async function listClosures(db: Db, caseId: string): Promise<CaseClosure[]> {
  const rows = await db
    .selectFrom('case_closures as c')
    .leftJoin('engineers as closer', 'closer.id', 'c.closed_by')
    .leftJoin('engineers as opener', 'opener.id', 'c.reopened_by')
    .selectAll('c')
    .select(['closer.name as closed_by_name', 'opener.name as reopened_by_name'])
    .where('c.case_id', '=', caseId)
    .orderBy('c.closed_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    reason: r.reason,
    consentActivityId: r.consent_activity_id,
    noConsent: r.no_consent,
    summary: r.summary,
    summaryActivityId: r.summary_activity_id,
    closedBy: r.closed_by_name,
    closedAt: r.closed_at.toISOString(),
    reopenedAt: r.reopened_at ? r.reopened_at.toISOString() : null,
    reopenedBy: r.reopened_by_name,
    reopenReason: r.reopen_reason,
  }));
}
