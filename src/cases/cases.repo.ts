import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { CaseStatus, Priority } from '../platform/db/schema.js';
import { conflict, notFound } from '../platform/errors.js';
import { formatCaseNumber, formatTrackingToken, randomCaseSuffix } from './case-number.js';

type Db = Kysely<DB>;

export type CaseSummary = {
  id: string;
  number: string;
  title: string;
  account: string | null;
  priority: Priority;
  status: CaseStatus;
  stage: string;
  owner: { id: string; name: string } | null;
  trackingToken: string;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
  firstResponseAt: string | null;
};

export type NewCaseRow = {
  /** Given when importing an existing case; generated otherwise. */
  number?: string;
  trackingToken?: string;
  trackingPrefix: string;
  title: string;
  accountId: string | null;
  priority: Priority;
  status: CaseStatus;
  stage: string;
  ownerId: string | null;
  /** Instants as Date or as Postgres-readable text (keeps microseconds of imported archives). */
  openedAt: Date | string;
  updatedAt: Date | string;
  closedAt?: Date | string | null;
  firstResponseAt?: Date | string | null;
};

/**
 * Inserts a case, drawing a fresh number and tracking token from database sequences when none is
 * given. A clash (an imported number or token already used) is retried with new values for
 * generated fields and reported as a conflict for given ones.
 */
export async function insertCase(
  db: Db,
  input: NewCaseRow,
): Promise<{ id: string; number: string; trackingToken: string }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const number = input.number ?? formatCaseNumber(await nextval(db, 'case_number_seq'), randomCaseSuffix());
    const token =
      input.trackingToken ??
      formatTrackingToken(input.trackingPrefix, await nextval(db, 'tracking_token_seq'));
    const row = await db
      .insertInto('cases')
      .values({
        number,
        title: input.title,
        account_id: input.accountId,
        priority: input.priority,
        status: input.status,
        stage: input.stage,
        owner_id: input.ownerId,
        tracking_token: token,
        opened_at: input.openedAt,
        updated_at: input.updatedAt,
        closed_at: input.closedAt ?? null,
        first_response_at: input.firstResponseAt ?? null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'number', 'tracking_token'])
      .executeTakeFirst();
    if (row) return { id: row.id, number: row.number, trackingToken: row.tracking_token };
    const clash = await db
      .selectFrom('cases')
      .select(['number', 'tracking_token'])
      .where((eb) => eb.or([eb('number', '=', number), eb('tracking_token', '=', token)]))
      .executeTakeFirst();
    if (clash?.number === number && input.number) {
      throw conflict('case.number_taken', `Case number ${number} is already in use`, { caseNumber: number });
    }
    if (clash?.tracking_token === token && input.trackingToken) {
      throw conflict('case.token_taken', `Tracking token ${token} is already in use`, {
        trackingToken: token,
      });
    }
  }
  throw conflict('case.number_exhausted', 'Could not draw a free case number; try again');
}

async function nextval(db: Db, sequence: 'case_number_seq' | 'tracking_token_seq'): Promise<number> {
  const result = await sql<{ n: number }>`select nextval(${sequence})::int as n`.execute(db);
  return Number(result.rows[0]?.n);
}

function caseQuery(db: Db) {
  return db
    .selectFrom('cases')
    .leftJoin('accounts', 'accounts.id', 'cases.account_id')
    .leftJoin('engineers', 'engineers.id', 'cases.owner_id')
    .select([
      'cases.id',
      'cases.number',
      'cases.title',
      'accounts.name as account_name',
      'cases.priority',
      'cases.status',
      'cases.stage',
      'cases.owner_id',
      'engineers.name as owner_name',
      'cases.tracking_token',
      'cases.opened_at',
      'cases.updated_at',
      'cases.closed_at',
      'cases.first_response_at',
    ]);
}

type CaseRow = {
  id: string;
  number: string;
  title: string;
  account_name: string | null;
  priority: Priority;
  status: CaseStatus;
  stage: string;
  owner_id: string | null;
  owner_name: string | null;
  tracking_token: string;
  opened_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  first_response_at: Date | null;
};

function toSummary(r: CaseRow): CaseSummary {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    account: r.account_name,
    priority: r.priority,
    status: r.status,
    stage: r.stage,
    owner: r.owner_id && r.owner_name ? { id: r.owner_id, name: r.owner_name } : null,
    trackingToken: r.tracking_token,
    openedAt: r.opened_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    closedAt: r.closed_at ? r.closed_at.toISOString() : null,
    firstResponseAt: r.first_response_at ? r.first_response_at.toISOString() : null,
  };
}

export async function findCase(db: Db, number: string): Promise<CaseSummary | null> {
  const row = await caseQuery(db).where('cases.number', '=', number).executeTakeFirst();
  return row ? toSummary(row) : null;
}

export async function getCase(db: Db, number: string): Promise<CaseSummary> {
  const found = await findCase(db, number);
  if (!found) throw notFound('case.not_found', `No case ${number}`, { caseNumber: number });
  return found;
}

export type CaseFilter = {
  status?: CaseStatus[];
  priority?: Priority[];
  account?: string;
  /** Engineer name; `none` lists unassigned cases. */
  owner?: string;
  /** Text contained in the case number or title. */
  q?: string;
  page: number;
  pageSize: number;
};

export async function listCases(
  db: Db,
  filter: CaseFilter,
): Promise<{ items: CaseSummary[]; hasMore: boolean }> {
  let q = caseQuery(db);
  if (filter.status?.length) q = q.where('cases.status', 'in', filter.status);
  if (filter.priority?.length) q = q.where('cases.priority', 'in', filter.priority);
  // Filters by id (through a scalar subquery) so the (owner|account, updated_at) indexes serve them.
  if (filter.account) {
    const account = filter.account;
    q = q.where('cases.account_id', '=', (eb) =>
      eb.selectFrom('accounts as a').select('a.id').where('a.name', '=', account),
    );
  }
  if (filter.owner === 'none') q = q.where('cases.owner_id', 'is', null);
  else if (filter.owner) {
    const owner = filter.owner;
    q = q.where('cases.owner_id', '=', (eb) =>
      eb.selectFrom('engineers as e').select('e.id').where('e.name', '=', owner),
    );
  }
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('cases.number', 'ilike', like), eb('cases.title', 'ilike', like)]));
  }
  const rows = await q
    .orderBy('cases.updated_at', 'desc')
    .orderBy('cases.id')
    .limit(filter.pageSize + 1)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { items: rows.slice(0, filter.pageSize).map(toSummary), hasMore: rows.length > filter.pageSize };
}

export type CasePatch = {
  title?: string;
  accountId?: string | null;
  priority?: Priority;
  stage?: string;
  status?: CaseStatus;
  ownerId?: string | null;
  closedAt?: Date | null;
  firstResponseAt?: Date | string | null;
  updatedAt: Date | string;
};

export async function updateCase(db: Db, id: string, patch: CasePatch): Promise<void> {
  await db
    .updateTable('cases')
    .set({
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.accountId !== undefined ? { account_id: patch.accountId } : {}),
      ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
      ...(patch.stage !== undefined ? { stage: patch.stage } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.ownerId !== undefined ? { owner_id: patch.ownerId } : {}),
      ...(patch.closedAt !== undefined ? { closed_at: patch.closedAt } : {}),
      ...(patch.firstResponseAt !== undefined ? { first_response_at: patch.firstResponseAt } : {}),
      updated_at: patch.updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function addParticipant(
  db: Db,
  caseId: string,
  contactId: string,
  role: 'customer' | 'cc' | 'third_party' = 'customer',
): Promise<void> {
  await db
    .insertInto('case_participants')
    .values({ case_id: caseId, contact_id: contactId, role })
    .onConflict((oc) => oc.columns(['case_id', 'contact_id']).doNothing())
    .execute();
}

export type Participant = {
  id: string;
  name: string;
  email: string | null;
  role: string;
  account: string | null;
};

export async function listParticipants(db: Db, caseId: string): Promise<Participant[]> {
  const rows = await db
    .selectFrom('case_participants')
    .innerJoin('contacts', 'contacts.id', 'case_participants.contact_id')
    .leftJoin('accounts', 'accounts.id', 'contacts.account_id')
    .select([
      'contacts.id',
      'contacts.name',
      'contacts.email',
      'case_participants.role',
      'accounts.name as account',
    ])
    .where('case_participants.case_id', '=', caseId)
    .orderBy('case_participants.added_at')
    .execute();
  return rows;
}
