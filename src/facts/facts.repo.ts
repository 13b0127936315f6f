import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { Fact, FactDetail, FactKind } from '../triage/facts.js';

type Db = Kysely<DB>;

export type FactSource = 'email' | 'finding';

/** Records where facts were seen; the same fact from the same place is kept once. */
export async function insertFacts(
  db: Db,
  input: { caseId: string; facts: Fact[]; source: FactSource; sourceRef: string; seenAt: Date },
): Promise<number> {
  if (input.facts.length === 0) return 0;
  const result = await db
    .insertInto('case_facts')
    .values(
      input.facts.map((f) => ({
        case_id: input.caseId,
        kind: f.kind,
        value: f.value.slice(0, 2000),
        normalized: f.normalized.slice(0, 2000),
        detail: JSON.stringify(f.detail ?? {}),
        source: input.source,
        source_ref: input.sourceRef,
        seen_at: input.seenAt,
      })),
    )
    .onConflict((oc) => oc.columns(['case_id', 'kind', 'normalized', 'source', 'source_ref']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

export type EmailText = { activityId: string; caseId: string; text: string; at: Date };

/** Emails that have not been through fact extraction yet, oldest first. */
export async function emailsWithoutFacts(db: Db, limit: number): Promise<EmailText[]> {
  const rows = await db
    .selectFrom('emails')
    .innerJoin('activities', 'activities.id', 'emails.activity_id')
    .leftJoin('fact_email_scans', 'fact_email_scans.activity_id', 'emails.activity_id')
    .select([
      'emails.activity_id',
      'emails.case_id',
      'emails.subject',
      'emails.text_body',
      'activities.occurred_at',
    ])
    .where('fact_email_scans.activity_id', 'is', null)
    .orderBy('activities.occurred_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    activityId: r.activity_id,
    caseId: r.case_id,
    text: `${r.subject}\n${r.text_body}`,
    at: r.occurred_at,
  }));
}

export async function markEmailsProcessed(db: Db, activityIds: string[], now: Date): Promise<void> {
  if (activityIds.length === 0) return;
  await db
    .insertInto('fact_email_scans')
    .values(activityIds.map((id) => ({ activity_id: id, processed_at: now })))
    .onConflict((oc) => oc.column('activity_id').doNothing())
    .execute();
}

/** One fact on a case, however many places it was seen in. */
export type CaseFactRow = {
  kind: FactKind;
  value: string;
  normalized: string;
  detail: FactDetail;
  fromEmails: number;
  fromFindings: number;
  firstSeen: Date;
  lastSeen: Date;
};

const grouped = (db: Db) =>
  db
    .selectFrom('case_facts')
    .select([
      'case_facts.kind',
      'case_facts.normalized',
      sql<string>`min(case_facts.value)`.as('value'),
      sql<FactDetail>`(array_agg(case_facts.detail order by case_facts.seen_at))[1]`.as('detail'),
      sql<number>`count(*) filter (where case_facts.source = 'email')::int`.as('from_emails'),
      sql<number>`count(*) filter (where case_facts.source = 'finding')::int`.as('from_findings'),
      sql<Date>`min(case_facts.seen_at)`.as('first_seen'),
      sql<Date>`max(case_facts.seen_at)`.as('last_seen'),
    ]);

const toRow = (r: {
  kind: FactKind;
  normalized: string;
  value: string;
  detail: FactDetail | string;
  from_emails: number;
  from_findings: number;
  first_seen: Date | string;
  last_seen: Date | string;
}): CaseFactRow => ({
  kind: r.kind,
  value: r.value,
  normalized: r.normalized,
  detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as FactDetail) : r.detail,
  fromEmails: Number(r.from_emails),
  fromFindings: Number(r.from_findings),
  firstSeen: new Date(r.first_seen),
  lastSeen: new Date(r.last_seen),
});

export async function listCaseFacts(db: Db, caseId: string, kind?: FactKind): Promise<CaseFactRow[]> {
  let q = grouped(db).where('case_facts.case_id', '=', caseId);
  if (kind) q = q.where('case_facts.kind', '=', kind);
  const rows = await q
    .groupBy(['case_facts.kind', 'case_facts.normalized'])
    .orderBy('case_facts.kind')
    .orderBy(sql`min(case_facts.seen_at)`)
    .execute();
  return rows.map(toRow);
}

export type FactHit = CaseFactRow & { caseNumber: string; caseTitle: string; caseStatus: string };

/**
 * Facts across cases: exact matches on any of `exact` (normalized forms), or, when `contains` is
 * given, facts whose normalized form contains it. Most recently seen first.
 */
export async function searchFacts(
  db: Db,
  input: { exact: string[]; contains: string | null; limit: number },
): Promise<FactHit[]> {
  const rows = await grouped(db)
    .innerJoin('cases', 'cases.id', 'case_facts.case_id')
    .select(['cases.number', 'cases.title', 'cases.status'])
    .where((eb) => {
      const ors = [];
      if (input.exact.length > 0) ors.push(eb('case_facts.normalized', 'in', input.exact));
      if (input.contains) {
        const pattern = `%${input.contains.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        ors.push(eb(sql`lower(case_facts.normalized)`, 'like', pattern));
      }
      return ors.length > 0 ? eb.or(ors) : sql<boolean>`false`;
    })
    .groupBy(['cases.number', 'cases.title', 'cases.status', 'case_facts.kind', 'case_facts.normalized'])
    .orderBy(sql`max(case_facts.seen_at)`, 'desc')
    .limit(input.limit)
    .execute();
  return rows.map((r) => ({ ...toRow(r), caseNumber: r.number, caseTitle: r.title, caseStatus: r.status }));
}
