import type { ColumnType, Generated } from 'kysely';

/** Tables of the case-workflow migration 006 (scope agreements, templates, closures, case links). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type MaybeTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type TextArray<T extends string> = ColumnType<T[], T[], T[]>;

export type ClosureCondition = 'solved' | 'by_design' | 'third_party';
export type ContactChannel = 'email' | 'phone';
export type TemplateLocale = 'zh-CN' | 'en';
export type ClosureReason = 'solved' | 'by_design' | 'third_party' | 'no_response' | 'duplicate';
export type CaseLinkKind = 'split' | 'merged' | 'follow_up';

export type CaseScopesTable = {
  case_id: string;
  problem_definition: string;
  scope: string;
  closure_conditions: TextArray<ClosureCondition>;
  cadence_business_days: number | null;
  contact_channels: TextArray<ContactChannel>;
  hotline: string | null;
  locale: ColumnType<TemplateLocale, TemplateLocale | undefined, TemplateLocale>;
  sent_activity_id: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: MaybeTime;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
};

export type ReplyTemplatesTable = {
  id: Generated<string>;
  key: string;
  locale: TemplateLocale;
  name: string;
  stage: ColumnType<string, string | undefined, string>;
  body: string;
  built_in: ColumnType<boolean, boolean | undefined, boolean>;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

export type CaseClosuresTable = {
  id: Generated<string>;
  case_id: string;
  reason: ClosureReason;
  consent_activity_id: string | null;
  no_consent: ColumnType<boolean, boolean | undefined, boolean>;
  summary: ColumnType<string, string | undefined, string>;
  summary_activity_id: string | null;
  closed_by: string | null;
  closed_at: Timestamp;
  reopened_at: MaybeTime;
  reopened_by: string | null;
  reopen_reason: string | null;
};

export type CaseRelationsTable = {
  from_case: string;
  to_case: string;
  kind: CaseLinkKind;
  created_at: CreatedAt;
  created_by: string | null;
};

export type WorkflowTables = {
  case_scopes: CaseScopesTable;
  reply_templates: ReplyTemplatesTable;
  case_closures: CaseClosuresTable;
  case_relations: CaseRelationsTable;
};
