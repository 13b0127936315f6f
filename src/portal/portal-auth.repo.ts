import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/db.js';

type Db = Kysely<DB>;

/** A contact as the portal knows it: who it is, which account it belongs to, and its access state. */
export type PortalContactRow = {
  id: string;
  name: string;
  email: string | null;
  accountId: string | null;
  accountName: string | null;
  passwordHash: string | null;
  disabledAt: Date | null;
};

function contactQuery(db: Db) {
  return db
    .selectFrom('contacts')
    .leftJoin('accounts', 'accounts.id', 'contacts.account_id')
    .leftJoin('portal_access', 'portal_access.contact_id', 'contacts.id')
    .select([
      'contacts.id',
      'contacts.name',
      'contacts.email',
      'contacts.account_id',
      'accounts.name as account_name',
      'portal_access.password_hash',
      'portal_access.disabled_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof contactQuery>['executeTakeFirstOrThrow']>>;

const toContact = (r: Row): PortalContactRow => ({
  id: r.id,
  name: r.name,
  email: r.email,
  accountId: r.account_id,
  accountName: r.account_name,
  passwordHash: r.password_hash,
  disabledAt: r.disabled_at,
});

export async function findContactByEmail(db: Db, email: string): Promise<PortalContactRow | null> {
  const row = await contactQuery(db)
    .where('contacts.email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row ? toContact(row) : null;
}

export async function findContactById(db: Db, id: string): Promise<PortalContactRow | null> {
  const row = await contactQuery(db).where('contacts.id', '=', id).executeTakeFirst();
  return row ? toContact(row) : null;
}

/** Portal access of every contact of an account, for the engineers' account page. */
export async function listAccessOfAccount(db: Db, accountId: string): Promise<PortalContactRow[]> {
  const rows = await contactQuery(db)
    .where('contacts.account_id', '=', accountId)
    .orderBy('contacts.name')
    .execute();
  return rows.map(toContact);
}

export async function upsertAccess(
  db: Db,
  contactId: string,
  patch: { passwordHash?: string | null; disabledAt?: Date | null; disabledBy?: string | null },
  now: Date,
): Promise<void> {
  await db
    .insertInto('portal_access')
    .values({
      contact_id: contactId,
      password_hash: patch.passwordHash ?? null,
      disabled_at: patch.disabledAt ?? null,
      disabled_by: patch.disabledBy ?? null,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('contact_id').doUpdateSet({
        ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
        ...(patch.disabledAt !== undefined ? { disabled_at: patch.disabledAt } : {}),
        ...(patch.disabledBy !== undefined ? { disabled_by: patch.disabledBy } : {}),
        updated_at: now,
      }),
    )
    .execute();
}

export async function insertPortalSession(
  db: Db,
  input: { id: string; contactId: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('portal_sessions')
    .values({ id: input.id, contact_id: input.contactId, expires_at: input.expiresAt })
    .execute();
}

/** The contact behind a session, if the session is valid and the contact may still sign in. */
export async function contactOfSession(
  db: Db,
  sessionId: string,
  now: Date,
): Promise<PortalContactRow | null> {
  const row = await contactQuery(db)
    .innerJoin('portal_sessions', 'portal_sessions.contact_id', 'contacts.id')
    .where('portal_sessions.id', '=', sessionId)
    .where('portal_sessions.expires_at', '>', now)
    .where('portal_access.disabled_at', 'is', null)
    .executeTakeFirst();
  return row ? toContact(row) : null;
}

export async function deletePortalSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('portal_sessions').where('id', '=', sessionId).execute();
}

export async function deleteSessionsOfContact(db: Db, contactId: string): Promise<void> {
  await db.deleteFrom('portal_sessions').where('contact_id', '=', contactId).execute();
}

export async function insertLoginLink(
  db: Db,
  input: { id: string; contactId: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('portal_login_links')
    .values({
      id: input.id,
      contact_id: input.contactId,
      created_at: input.createdAt,
      expires_at: input.expiresAt,
    })
    .execute();
}

export async function countRecentLinks(db: Db, contactId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('portal_login_links')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('contact_id', '=', contactId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks a link used if it is unused and unexpired; returns its contact, or null (race-free: one winner). */
export async function redeemLoginLink(db: Db, linkId: string, now: Date): Promise<string | null> {
  const row = await db
    .updateTable('portal_login_links')
    .set({ used_at: now })
    .where('id', '=', linkId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('contact_id')
    .executeTakeFirst();
  return row?.contact_id ?? null;
}

/** Unused links of a contact stop working (access disabled). */
export async function expireLinksOfContact(db: Db, contactId: string, now: Date): Promise<void> {
  await db
    .updateTable('portal_login_links')
    .set({ expires_at: now })
    .where('contact_id', '=', contactId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
}
