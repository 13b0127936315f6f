import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/db.js';
import { conflict, notFound } from '../platform/errors.js';

export type Account = {
  id: string;
  name: string;
  fullName: string | null;
  domains: string[];
  createdAt: string;
};
export type Contact = {
  id: string;
  accountId: string | null;
  accountName: string | null;
  name: string;
  email: string | null;
  phone: string | null;
};

type Db = Kysely<DB>;

export async function listAccounts(db: Db): Promise<Account[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('name').execute();
  const domains = await db.selectFrom('account_domains').selectAll().execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    fullName: r.full_name,
    domains: domains.filter((d) => d.account_id === r.id).map((d) => d.domain),
    createdAt: r.created_at.toISOString(),
  }));
}

export async function findAccountByName(db: Db, name: string): Promise<Account | null> {
  const row = await db.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) return null;
  const domains = await db
    .selectFrom('account_domains')
    .select('domain')
    .where('account_id', '=', row.id)
    .execute();
  return {
    id: row.id,
    name: row.name,
    fullName: row.full_name,
    domains: domains.map((d) => d.domain),
    createdAt: row.created_at.toISOString(),
  };
}

export async function getAccount(db: Db, name: string): Promise<Account> {
  const account = await findAccountByName(db, name);
  if (!account) throw notFound('account.not_found', `No account named ${name}`, { account: name });
  return account;
}

export async function createAccount(
  db: Db,
  input: { name: string; fullName?: string | null; domains?: string[] },
): Promise<Account> {
  const domains = [...new Set((input.domains ?? []).map((d) => d.toLowerCase()))];
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('accounts')
      .values({ name: input.name, full_name: input.fullName ?? null })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row)
      throw conflict('account.exists', `An account named ${input.name} already exists`, {
        account: input.name,
      });
    await addDomains(trx, row.id, domains);
    return {
      id: row.id,
      name: row.name,
      fullName: row.full_name,
      domains,
      createdAt: row.created_at.toISOString(),
    };
  });
}

/** Returns the account, creating it (with no domains) when it does not exist yet. */
export async function ensureAccount(db: Db, name: string): Promise<{ id: string; name: string }> {
  const inserted = await db
    .insertInto('accounts')
    .values({ name })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning(['id', 'name'])
    .executeTakeFirst();
  if (inserted) return inserted;
  return db.selectFrom('accounts').select(['id', 'name']).where('name', '=', name).executeTakeFirstOrThrow();
}

export async function updateAccount(
  db: Db,
  name: string,
  patch: { name?: string; fullName?: string | null; domains?: string[] },
): Promise<Account> {
  const account = await getAccount(db, name);
  await db.transaction().execute(async (trx) => {
    if (patch.name !== undefined || patch.fullName !== undefined) {
      await trx
        .updateTable('accounts')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.fullName !== undefined ? { full_name: patch.fullName } : {}),
        })
        .where('id', '=', account.id)
        .execute();
    }
    if (patch.domains) {
      await trx.deleteFrom('account_domains').where('account_id', '=', account.id).execute();
      await addDomains(trx, account.id, [...new Set(patch.domains.map((d) => d.toLowerCase()))]);
    }
  });
  return getAccount(db, patch.name ?? name);
}

async function addDomains(db: Db, accountId: string, domains: string[]): Promise<void> {
  if (domains.length === 0) return;
  const taken = await db
    .selectFrom('account_domains')
    .innerJoin('accounts', 'accounts.id', 'account_domains.account_id')
    .select(['account_domains.domain', 'accounts.name'])
    .where('account_domains.domain', 'in', domains)
    .where('account_domains.account_id', '!=', accountId)
    .execute();
  const first = taken[0];
  if (first) {
    throw conflict(
      'account.domain_taken',
      `Mail domain ${first.domain} already belongs to account ${first.name}`,
      {
        domain: first.domain,
        account: first.name,
      },
    );
  }
  await db
    .insertInto('account_domains')
    .values(domains.map((domain) => ({ domain, account_id: accountId })))
    .onConflict((oc) => oc.column('domain').doNothing())
    .execute();
}

/** The account owning a mail domain (exact match, then parent domains: mail.icbc.com.cn → icbc.com.cn). */
export async function findAccountByDomain(
  db: Db,
  domain: string,
): Promise<{ id: string; name: string } | null> {
  const labels = domain.toLowerCase().split('.');
  const candidates = labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
  if (candidates.length === 0) return null;
  const rows = await db
    .selectFrom('account_domains')
    .innerJoin('accounts', 'accounts.id', 'account_domains.account_id')
    .select(['accounts.id', 'accounts.name', 'account_domains.domain'])
    .where('account_domains.domain', 'in', candidates)
    .execute();
  rows.sort((a, b) => b.domain.length - a.domain.length);
  const best = rows[0];
  return best ? { id: best.id, name: best.name } : null;
}

const contactColumns = [
  'contacts.id',
  'contacts.account_id',
  'contacts.name',
  'contacts.email',
  'contacts.phone',
  'accounts.name as account_name',
] as const;

function toContact(r: {
  id: string;
  account_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  account_name: string | null;
}): Contact {
  return {
    id: r.id,
    accountId: r.account_id,
    accountName: r.account_name,
    name: r.name,
    email: r.email,
    phone: r.phone,
  };
}

export async function listContacts(db: Db, filter: { account?: string } = {}): Promise<Contact[]> {
  let q = db
    .selectFrom('contacts')
    .leftJoin('accounts', 'accounts.id', 'contacts.account_id')
    .select(contactColumns);
  if (filter.account) q = q.where('accounts.name', '=', filter.account);
  const rows = await q.orderBy('contacts.name').execute();
  return rows.map(toContact);
}

export async function createContact(
  db: Db,
  input: { accountId: string | null; name: string; email?: string | null; phone?: string | null },
): Promise<Contact> {
  const email = input.email ? input.email.toLowerCase() : null;
  const row = await db
    .insertInto('contacts')
    .values({ account_id: input.accountId, name: input.name, email, phone: input.phone ?? null })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) throw conflict('contact.exists', `A contact ${email ?? input.name} already exists`, { email });
  const created = await db
    .selectFrom('contacts')
    .leftJoin('accounts', 'accounts.id', 'contacts.account_id')
    .select(contactColumns)
    .where('contacts.id', '=', row.id)
    .executeTakeFirstOrThrow();
  return toContact(created);
}

/**
 * Finds a contact of an account by name (archive senders have no address), creating it if new.
 * Insert-first, so two imports naming the same new person at once both end with the one row.
 */
export async function ensureContactByName(db: Db, accountId: string | null, name: string): Promise<string> {
  const find = async () => {
    let q = db.selectFrom('contacts').select('id').where('name', '=', name).where('email', 'is', null);
    q = accountId ? q.where('account_id', '=', accountId) : q.where('account_id', 'is', null);
    return q.executeTakeFirst();
  };
  const existing = await find();
  if (existing) return existing.id;
  const inserted = await db
    .insertInto('contacts')
    .values({ account_id: accountId, name })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const raced = await find();
  if (!raced) throw new Error(`contact ${name} vanished while being created`);
  return raced.id;
}
