import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { EngineerRole } from '../platform/db/schema.js';
import { conflict, DomainError, invalid, notFound } from '../platform/errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { newSecret, sha256Hex } from './secrets.js';

type Db = Kysely<DB>;

export type Engineer = {
  id: string;
  name: string;
  email: string | null;
  role: EngineerRole;
  active: boolean;
};

const columns = ['id', 'name', 'email', 'role', 'active'] as const;

export async function listEngineers(db: Db): Promise<Engineer[]> {
  return db.selectFrom('engineers').select(columns).orderBy('name').execute();
}

export async function countEngineers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('engineers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findEngineer(db: Db, nameOrEmail: string): Promise<Engineer | null> {
  const row = await db
    .selectFrom('engineers')
    .select(columns)
    .where((eb) => eb.or([eb('name', '=', nameOrEmail), eb('email', '=', nameOrEmail.toLowerCase())]))
    .executeTakeFirst();
  return row ?? null;
}

export async function getEngineer(db: Db, nameOrEmail: string): Promise<Engineer> {
  const e = await findEngineer(db, nameOrEmail);
  if (!e) throw notFound('engineer.not_found', `No engineer named ${nameOrEmail}`, { engineer: nameOrEmail });
  return e;
}

export async function createEngineer(
  db: Db,
  input: { name: string; email?: string | null; role?: EngineerRole; password?: string | null },
): Promise<Engineer> {
  if (input.password !== undefined && input.password !== null && input.password.length < 8) {
    throw invalid('engineer.weak_password', 'A password needs at least 8 characters');
  }
  const row = await db
    .insertInto('engineers')
    .values({
      name: input.name,
      email: input.email ? input.email.toLowerCase() : null,
      role: input.role ?? 'engineer',
      password_hash: input.password ? await hashPassword(input.password) : null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning(columns)
    .executeTakeFirst();
  if (!row)
    throw conflict('engineer.exists', `An engineer named ${input.name} (or with that email) already exists`);
  return row;
}

/** Engineers named in imported archives are created without a password (they cannot sign in until given one). */
export async function ensureEngineer(db: Db, name: string): Promise<Engineer> {
  const existing = await findEngineer(db, name);
  if (existing) return existing;
  await db
    .insertInto('engineers')
    .values({ name })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return getEngineer(db, name);
}

export async function setPassword(db: Db, engineerId: string, password: string): Promise<void> {
  if (password.length < 8) throw invalid('engineer.weak_password', 'A password needs at least 8 characters');
  await db
    .updateTable('engineers')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', engineerId)
    .execute();
}

let dummyHash: Promise<string> | undefined;

const badLogin = () => new DomainError('auth.bad_credentials', 'Wrong name/email or password', 401);

export async function checkLogin(db: Db, login: string, password: string): Promise<Engineer> {
  const row = await db
    .selectFrom('engineers')
    .select([...columns, 'password_hash'])
    .where((eb) => eb.or([eb('name', '=', login), eb('email', '=', login.toLowerCase())]))
    .executeTakeFirst();
  if (!row?.active || !row.password_hash) {
    // Same work as a real check, so timing does not tell which names exist.
    dummyHash ??= hashPassword('casedesk-timing-equaliser');
    await verifyPassword(await dummyHash, password);
    throw badLogin();
  }
  if (!(await verifyPassword(row.password_hash, password))) throw badLogin();
  const { password_hash: _omit, ...engineer } = row;
  return engineer;
}

export async function createSession(db: Db, engineerId: string, days: number, now: Date): Promise<string> {
  const secret = newSecret('cds');
  await db
    .insertInto('sessions')
    .values({
      id: sha256Hex(secret),
      engineer_id: engineerId,
      expires_at: new Date(now.getTime() + days * 86_400_000),
    })
    .execute();
  return secret;
}

export async function deleteSession(db: Db, secret: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sha256Hex(secret)).execute();
}

export async function engineerForSession(db: Db, secret: string, now: Date): Promise<Engineer | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('engineers', 'engineers.id', 'sessions.engineer_id')
    .select(['engineers.id', 'engineers.name', 'engineers.email', 'engineers.role', 'engineers.active'])
    .where('sessions.id', '=', sha256Hex(secret))
    .where('sessions.expires_at', '>', now)
    .where('engineers.active', '=', true)
    .executeTakeFirst();
  return row ?? null;
}

export async function createApiToken(
  db: Db,
  engineerId: string,
  name: string,
): Promise<{ id: string; token: string }> {
  const token = newSecret('cdt');
  const row = await db
    .insertInto('api_tokens')
    .values({ engineer_id: engineerId, name, token_hash: sha256Hex(token) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

export async function engineerForApiToken(db: Db, token: string, now: Date): Promise<Engineer | null> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('engineers', 'engineers.id', 'api_tokens.engineer_id')
    .select([
      'api_tokens.id as token_id',
      'engineers.id',
      'engineers.name',
      'engineers.email',
      'engineers.role',
      'engineers.active',
    ])
    .where('api_tokens.token_hash', '=', sha256Hex(token))
    .where('api_tokens.revoked_at', 'is', null)
    .where('engineers.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id).execute();
  const { token_id: _omit, ...engineer } = row;
  return engineer;
}
