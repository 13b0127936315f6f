import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.js';
import type { StoredMailbox, StoredSmtp } from './mail-settings.tables.js';

/** What an admin stored; a null section falls back to the environment. */
export type StoredMailSettings = {
  outbound: StoredSmtp | null;
  mailFrom: string | null;
  imapMailboxes: StoredMailbox[] | null;
  version: number;
  updatedBy: string | null;
  updatedAt: Date | null;
};

const nothingStored: StoredMailSettings = {
  outbound: null,
  mailFrom: null,
  imapMailboxes: null,
  version: 0,
  updatedBy: null,
  updatedAt: null,
};

export async function loadStoredMailSettings(db: Kysely<DB>): Promise<StoredMailSettings> {
  const row = await db
    .selectFrom('mail_settings')
    .leftJoin('engineers', 'engineers.id', 'mail_settings.updated_by')
    .select([
      'mail_settings.outbound',
      'mail_settings.mail_from',
      'mail_settings.imap_mailboxes',
      'mail_settings.version',
      'mail_settings.updated_at',
      'engineers.name as updated_by_name',
    ])
    .where('mail_settings.id', '=', 1)
    .executeTakeFirst();
  if (!row) return nothingStored;
  return {
    outbound: row.outbound,
    mailFrom: row.mail_from,
    imapMailboxes: row.imap_mailboxes,
    version: row.version,
    updatedBy: row.updated_by_name,
    updatedAt: row.updated_at,
  };
}

export async function saveMailSettings(
  db: Kysely<DB>,
  input: {
    outbound: StoredSmtp | null;
    mailFrom: string | null;
    imapMailboxes: StoredMailbox[] | null;
    /** Null when changed from the CLI. */
    updatedBy: string | null;
    now: Date;
  },
): Promise<void> {
  const values = {
    outbound: input.outbound === null ? null : JSON.stringify(input.outbound),
    mail_from: input.mailFrom,
    imap_mailboxes: input.imapMailboxes === null ? null : JSON.stringify(input.imapMailboxes),
    updated_by: input.updatedBy,
    updated_at: input.now,
  };
  await db
    .insertInto('mail_settings')
    .values({ ...values, version: 1 })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({ ...values, version: eb('mail_settings.version', '+', 1) })),
    )
    .execute();
}

/** Outbox messages per delivery state, for the status panel. */
export async function outboxCounts(db: Kysely<DB>): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select(['state', db.fn.countAll<string>().as('n')])
    .groupBy('state')
    .execute();
  const counts: Record<string, number> = {
    pending: 0,
    sending: 0,
    retry: 0,
    sent: 0,
    failed: 0,
    uncertain: 0,
  };
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}

export async function imapCursors(
  db: Kysely<DB>,
  keys: string[],
): Promise<Map<string, { uidValidity: number; lastUid: number; updatedAt: Date }>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('imap_cursors').selectAll().where('mailbox_key', 'in', keys).execute();
  return new Map(
    rows.map((r) => [
      r.mailbox_key,
      { uidValidity: Number(r.uid_validity), lastUid: Number(r.last_uid), updatedAt: r.updated_at },
    ]),
  );
}
