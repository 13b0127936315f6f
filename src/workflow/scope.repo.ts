import type { Kysely } from 'kysely';
import type { ClosureCondition, ContactChannel, TemplateLocale } from '../kb/workflow.tables.js';
import type { DB } from '../platform/db/db.js';

type Db = Kysely<DB>;

/** The scope agreed with the customer, shown at the top of the case. */
export type CaseScope = {
  problemDefinition: string;
  scope: string;
  closureConditions: ClosureCondition[];
  cadenceBusinessDays: number | null;
  contactChannels: ContactChannel[];
  hotline: string | null;
  locale: TemplateLocale;
  /** The mail that sent the agreement, once sent. */
  sentActivityId: string | null;
  sentAt: string | null;
  updatedBy: string | null;
  createdAt: string;
  updatedAt: string;
};

export type ScopeFields = Pick<
  CaseScope,
  | 'problemDefinition'
  | 'scope'
  | 'closureConditions'
  | 'cadenceBusinessDays'
  | 'contactChannels'
  | 'hotline'
  | 'locale'
>;

export async function findScope(db: Db, caseId: string): Promise<CaseScope | null> {
  const r = await db
    .selectFrom('case_scopes as s')
    .leftJoin('engineers as e', 'e.id', 's.updated_by')
    .selectAll('s')
    .select('e.name as updated_by_name')
    .where('s.case_id', '=', caseId)
    .executeTakeFirst();
  if (!r) return null;
  return {
    problemDefinition: r.problem_definition,
    scope: r.scope,
    closureConditions: r.closure_conditions,
    cadenceBusinessDays: r.cadence_business_days,
    contactChannels: r.contact_channels,
    hotline: r.hotline,
    locale: r.locale,
    sentActivityId: r.sent_activity_id,
    sentAt: r.sent_at ? r.sent_at.toISOString() : null,
    updatedBy: r.updated_by_name,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function upsertScope(
  db: Db,
  caseId: string,
  fields: ScopeFields,
  meta: { engineerId: string | null; at: Date },
): Promise<void> {
  const values = {
    problem_definition: fields.problemDefinition,
    scope: fields.scope,
    closure_conditions: fields.closureConditions,
    cadence_business_days: fields.cadenceBusinessDays,
    contact_channels: fields.contactChannels,
    hotline: fields.hotline,
    locale: fields.locale,
    updated_by: meta.engineerId,
    updated_at: meta.at,
  };
  await db
    .insertInto('case_scopes')
    .values({ case_id: caseId, ...values, created_at: meta.at })
    .onConflict((oc) => oc.column('case_id').doUpdateSet(values))
    .execute();
}

export async function markScopeSent(db: Db, caseId: string, activityId: string, at: Date): Promise<void> {
  await db
    .updateTable('case_scopes')
    .set({ sent_activity_id: activityId, sent_at: at })
    .where('case_id', '=', caseId)
    .execute();
}
