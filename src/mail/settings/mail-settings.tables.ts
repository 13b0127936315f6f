import type { ColumnType, JSONColumnType } from 'kysely';

/** Kysely's view of migration 009 (admin-edited mail settings). Keep in step with the SQL. */
export type StoredSmtp = {
  host: string;
  port: number;
  tls: 'tls' | 'starttls' | 'opportunistic' | 'none';
  user: string | null;
  password: string | null;
};

export type StoredMailbox = {
  id: string;
  enabled: boolean;
  name: string | null;
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password: string;
  mailbox: string;
  afterProcessing: 'flag' | 'move';
  moveTo: string | null;
};

export type MailSettingsTable = {
  id: ColumnType<number, number | undefined, never>;
  outbound: JSONColumnType<StoredSmtp | null, string | null, string | null>;
  mail_from: string | null;
  imap_mailboxes: JSONColumnType<StoredMailbox[] | null, string | null, string | null>;
  version: ColumnType<number, number | undefined, number>;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string, Date | string>;
};

export type MailSettingsTables = { mail_settings: MailSettingsTable };
