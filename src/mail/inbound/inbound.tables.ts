import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type MaybeTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type InboundStatus =
  | 'processing'
  | 'threaded'
  | 'needs_attention'
  | 'review'
  | 'dismissed'
  | 'duplicate';
export type ThreadVia = 'reference' | 'token' | 'tag' | 'thread_index' | 'new_case' | 'follow_up' | 'manual';

export type InboundMessagesTable = {
  id: Generated<string>;
  raw_sha256: string;
  raw_size: number;
  message_id: string | null;
  message_key: string | null;
  source: string;
  status: ColumnType<InboundStatus, InboundStatus | undefined, InboundStatus>;
  duplicate_of: string | null;
  via: ThreadVia | null;
  case_id: string | null;
  activity_id: string | null;
  reason: string | null;
  named_case_id: string | null;
  subject: ColumnType<string, string | undefined, string>;
  from_address: string | null;
  received_at: ColumnType<Date, Date | string, Date | string>;
  resolved_at: MaybeTime;
  resolved_by: string | null;
  resolution: string | null;
};

export type InboundEmailsTable = {
  activity_id: string;
  inbound_message_id: string;
  raw_sha256: string;
  /** Null: split emails.text_body when reading (migration 011). */
  fresh_text: string | null;
  quoted_text: string | null;
  html_body: string | null;
  thread_root: string | null;
  is_auto_reply: ColumnType<boolean, boolean | undefined, boolean>;
  warnings: JSONColumnType<string[], string | undefined, string>;
};

export type EmailFilesTable = {
  activity_id: string;
  position: number;
  sha256: string;
  filename: string;
  content_type: string;
  size: number;
  content_id: string | null;
  inline: ColumnType<boolean, boolean | undefined, boolean>;
};

export type ImapCursorsTable = {
  mailbox_key: string;
  uid_validity: number;
  last_uid: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

/** Tables of the inbound-mail migration (003): raw message log, review queue, IMAP cursors. */
export type InboundMailTables = {
  inbound_messages: InboundMessagesTable;
  inbound_emails: InboundEmailsTable;
  email_files: EmailFilesTable;
  imap_cursors: ImapCursorsTable;
};
