import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.js';
import type { ImapCursor } from './imap-cursor.js';

export async function loadImapCursor(db: Kysely<DB>, mailboxKey: string): Promise<ImapCursor | null> {
  const row = await db
    .selectFrom('imap_cursors')
    .select(['uid_validity', 'last_uid'])
    .where('mailbox_key', '=', mailboxKey)
    .executeTakeFirst();
  return row ? { uidValidity: Number(row.uid_validity), lastUid: Number(row.last_uid) } : null;
}

export async function saveImapCursor(
  db: Kysely<DB>,
  mailboxKey: string,
  cursor: ImapCursor,
  now: Date,
): Promise<void> {
  await db
    .insertInto('imap_cursors')
    .values({
      mailbox_key: mailboxKey,
      uid_validity: cursor.uidValidity,
      last_uid: cursor.lastUid,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .column('mailbox_key')
        .doUpdateSet({ uid_validity: cursor.uidValidity, last_uid: cursor.lastUid, updated_at: now }),
    )
    .execute();
}
