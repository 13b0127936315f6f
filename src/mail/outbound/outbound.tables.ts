import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { AttachmentRef, EmailAddress } from '../../platform/db/schema.js';

/** Kysely's view of migration 004 (the outbox). Keep in step with the SQL. */
export type OutboxState = 'pending' | 'sending' | 'retry' | 'sent' | 'failed' | 'uncertain';
export type OutboxKind = 'case_reply' | 'notification';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type MailOutboxTable = {
  id: Generated<string>;
  kind: OutboxKind;
  case_id: string | null;
  activity_id: string | null;
  message_id: string;
  from_name: string | null;
  to_addresses: JSONColumnType<EmailAddress[], string, string>;
  cc_addresses: JSONColumnType<EmailAddress[], string, string>;
  bcc_addresses: JSONColumnType<EmailAddress[], string, string>;
  subject: string;
  text_body: string;
  html_body: string | null;
  in_reply_to: string | null;
  references_ids: ColumnType<string[], string[] | undefined, string[]>;
  extra_headers: JSONColumnType<Record<string, string>, string | undefined, string>;
  attachments: JSONColumnType<AttachmentRef[], string, string>;
  state: ColumnType<OutboxState, OutboxState | undefined, OutboxState>;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  claim_token: string | null;
  claimed_by: string | null;
  lease_until: NullableTimestamp;
  last_error: string | null;
  smtp_response: string | null;
  held_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: NullableTimestamp;
};

/** Tables of the outbound-mail migration (outbox). */
export type OutboundMailTables = { mail_outbox: MailOutboxTable };
