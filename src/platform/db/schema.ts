import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Kysely's view of the tables in migrations/*.sql. Keep in step with the SQL. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type EmailAddress = { name: string | null; address: string | null };
export type AttachmentRef = { filename: string; contentType: string; size: number; sha256: string };

export type AccountsTable = {
  id: Generated<string>;
  name: string;
  full_name: string | null;
  created_at: CreatedAt;
};

export type AccountDomainsTable = { domain: string; account_id: string };

export type ContactsTable = {
  id: Generated<string>;
  account_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  created_at: CreatedAt;
};

export type EngineerRole = 'admin' | 'engineer';
export type EngineersTable = {
  id: Generated<string>;
  name: string;
  email: string | null;
  role: ColumnType<EngineerRole, EngineerRole | undefined, EngineerRole>;
  password_hash: string | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
};

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export type CaseStatus = 'new' | 'in_progress' | 'waiting_for_customer' | 'resolved' | 'closed';

export type CasesTable = {
  id: Generated<string>;
  number: string;
  title: string;
  account_id: string | null;
  priority: Priority;
  status: CaseStatus;
  stage: string;
  owner_id: string | null;
  tracking_token: string;
  opened_at: Timestamp;
  updated_at: Timestamp;
  closed_at: NullableTimestamp;
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
  first_response_at: NullableTimestamp;
  created_at: CreatedAt;
};

export type ParticipantRole = 'customer' | 'cc' | 'third_party';
export type CaseParticipantsTable = {
  case_id: string;
  contact_id: string;
  role: ColumnType<ParticipantRole, ParticipantRole | undefined, ParticipantRole>;
  added_at: CreatedAt;
};

export type ActivityType = 'email' | 'call' | 'note' | 'status_change' | 'transfer' | 'system';
export type ActorType = 'engineer' | 'contact' | 'system';

export type ActivitiesTable = {
  id: Generated<string>;
  seq: ColumnType<number, never, never>;
  case_id: string;
  type: ActivityType;
  actor_type: ActorType;
  actor_id: string | null;
  actor_name: string;
  occurred_at: Timestamp;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  created_at: CreatedAt;
};

export type EmailsTable = {
  activity_id: string;
  case_id: string;
  direction: 'inbound' | 'outbound';
  from_name: string | null;
  from_address: string | null;
  to_addresses: JSONColumnType<EmailAddress[], string, string>;
  cc_addresses: JSONColumnType<EmailAddress[], string, string>;
  subject: string;
  text_body: string;
  html_body: string | null;
  sent_at: NullableTimestamp;
  message_id: string | null;
  in_reply_to: string | null;
  references_ids: ColumnType<string[], string[] | undefined, string[]>;
  attachments: JSONColumnType<AttachmentRef[], string, string>;
};

export type SessionsTable = { id: string; engineer_id: string; created_at: CreatedAt; expires_at: Timestamp };

export type ApiTokensTable = {
  id: Generated<string>;
  engineer_id: string;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
};

export type ArchiveImportsTable = {
  sha256: string;
  case_id: string;
  file_name: string;
  imported_at: CreatedAt;
};

/** Tables of the core model (migration 001). */
export type CoreTables = {
  accounts: AccountsTable;
  account_domains: AccountDomainsTable;
  contacts: ContactsTable;
  engineers: EngineersTable;
  cases: CasesTable;
  case_participants: CaseParticipantsTable;
  activities: ActivitiesTable;
  emails: EmailsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  archive_imports: ArchiveImportsTable;
};
