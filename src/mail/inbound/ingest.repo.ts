import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.js';
import type { CaseStatus, Priority } from '../../platform/db/schema.js';
import type { InboundStatus } from './inbound.tables.js';

/** Set-at-a-time SQL of the ingestion transaction: one query per kind of look-up or write per batch. */
type Db = Kysely<DB>;

export type CaseRow = {
  id: string;
  number: string;
  title: string;
  accountId: string | null;
  status: CaseStatus;
  closedAt: Date | null;
  mergedInto: string | null;
  ownerId: string | null;
  priority: Priority;
};

export async function findEmailsByMessageIds(
  db: Db,
  ids: string[],
  direction?: 'outbound',
): Promise<{ messageId: string; caseId: string }[]> {
  if (ids.length === 0) return [];
  let q = db.selectFrom('emails').select(['message_id', 'case_id']).where('message_id', 'in', ids);
  if (direction) q = q.where('direction', '=', direction);
  const rows = await q.execute();
  return rows.flatMap((r) => (r.message_id ? [{ messageId: r.message_id, caseId: r.case_id }] : []));
}

export type ClaimRow = {
  rawSha256: string;
  rawSize: number;
  messageId: string | null;
  messageKey: string | null;
  source: string;
  subject: string;
  fromAddress: string | null;
  receivedAt: Date;
};

/**
 * Records messages as received; returns the ids of those that are new. A message whose bytes or
 * Message-ID were seen before is not inserted (that is the dedupe); a concurrent transaction
 * inserting the same message waits for this one and then inserts nothing.
 */
export async function claimMessages(db: Db, rows: ClaimRow[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const inserted = await db
    .insertInto('inbound_messages')
    .values(
      rows.map((r) => ({
        raw_sha256: r.rawSha256,
        raw_size: r.rawSize,
        message_id: r.messageId,
        message_key: r.messageKey,
        source: r.source.slice(0, 1000),
        subject: r.subject.slice(0, 2000),
        from_address: r.fromAddress,
        received_at: r.receivedAt,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'raw_sha256'])
    .execute();
  return new Map(inserted.map((r) => [r.raw_sha256, r.id]));
}

/** Where earlier deliveries of these messages went (for the duplicate report). */
export async function findPriorDeliveries(
  db: Db,
  shas: string[],
  messageKeys: string[],
): Promise<
  {
    id: string;
    rawSha256: string;
    messageKey: string | null;
    status: InboundStatus;
    caseNumber: string | null;
  }[]
> {
  if (shas.length === 0 && messageKeys.length === 0) return [];
  const rows = await db
    .selectFrom('inbound_messages as m')
    .leftJoin('cases as c', 'c.id', 'm.case_id')
    .select(['m.id', 'm.raw_sha256', 'm.message_key', 'm.status', 'c.number'])
    .where((eb) =>
      eb.or([
        ...(shas.length ? [eb('m.raw_sha256', 'in', shas)] : []),
        ...(messageKeys.length ? [eb('m.message_key', 'in', messageKeys)] : []),
      ]),
    )
    .execute();
  return rows.map((r) => ({
    id: r.id,
    rawSha256: r.raw_sha256,
    messageKey: r.message_key,
    status: r.status,
    caseNumber: r.number,
  }));
}

/** Records other bytes of a message already recorded, so every delivery stays traceable. */
export async function recordDuplicates(db: Db, rows: (ClaimRow & { duplicateOf: string })[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('inbound_messages')
    .values(
      rows.map((r) => ({
        raw_sha256: r.rawSha256,
        raw_size: r.rawSize,
        message_id: r.messageId,
        message_key: null,
        source: r.source.slice(0, 1000),
        subject: r.subject.slice(0, 2000),
        from_address: r.fromAddress,
        received_at: r.receivedAt,
        status: 'duplicate' as const,
        duplicate_of: r.duplicateOf,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function findCaseIdsByTokens(db: Db, tokens: string[]): Promise<Map<string, string>> {
  if (tokens.length === 0) return new Map();
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'tracking_token'])
    .where('tracking_token', 'in', tokens)
    .execute();
  return new Map(rows.map((r) => [r.tracking_token, r.id]));
}

export async function findCaseIdsByNumbers(db: Db, numbers: string[]): Promise<Map<string, string>> {
  if (numbers.length === 0) return new Map();
  const rows = await db.selectFrom('cases').select(['id', 'number']).where('number', 'in', numbers).execute();
  return new Map(rows.map((r) => [r.number, r.id]));
}

export async function findCaseIdsByThreadRoots(db: Db, roots: string[]): Promise<Map<string, string>> {
  if (roots.length === 0) return new Map();
  const rows = await db
    .selectFrom('inbound_emails as ie')
    .innerJoin('activities as a', 'a.id', 'ie.activity_id')
    .select(['ie.thread_root', 'a.case_id'])
    .where('ie.thread_root', 'in', roots)
    .orderBy('a.seq')
    .execute();
  // The earliest message of a conversation decides (a later one may have been moved by hand).
  const out = new Map<string, string>();
  for (const r of rows) if (r.thread_root && !out.has(r.thread_root)) out.set(r.thread_root, r.case_id);
  return out;
}

/** Loads cases and, transitively, the cases they were merged into. */
export async function loadCases(db: Db, ids: string[]): Promise<Map<string, CaseRow>> {
  const out = new Map<string, CaseRow>();
  let pending = [...new Set(ids)];
  for (let round = 0; round < 20 && pending.length > 0; round++) {
    const rows = await db
      .selectFrom('cases')
      .select([
        'id',
        'number',
        'title',
        'account_id',
        'status',
        'closed_at',
        'merged_into',
        'owner_id',
        'priority',
      ])
      .where('id', 'in', pending)
      .execute();
    for (const r of rows) {
      out.set(r.id, {
        id: r.id,
        number: r.number,
        title: r.title,
        accountId: r.account_id,
        status: r.status,
        closedAt: r.closed_at,
        mergedInto: r.merged_into,
        ownerId: r.owner_id,
        priority: r.priority,
      });
    }
    pending = rows.flatMap((r) => (r.merged_into && !out.has(r.merged_into) ? [r.merged_into] : []));
  }
  return out;
}

export async function loadParticipantAddresses(db: Db, caseIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (caseIds.length === 0) return out;
  const rows = await db
    .selectFrom('case_participants as p')
    .innerJoin('contacts as c', 'c.id', 'p.contact_id')
    .select(['p.case_id', 'c.email'])
    .where('p.case_id', 'in', caseIds)
    .where('c.email', 'is not', null)
    .execute();
  for (const r of rows) {
    if (!r.email) continue;
    const list = out.get(r.case_id) ?? [];
    list.push(r.email);
    out.set(r.case_id, list);
  }
  return out;
}

export async function findEngineersByEmail(
  db: Db,
  emails: string[],
): Promise<Map<string, { id: string; name: string }>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .selectFrom('engineers')
    .select(['id', 'name', 'email'])
    .where('email', 'in', emails)
    .where('active', '=', true)
    .execute();
  return new Map(rows.flatMap((r) => (r.email ? [[r.email, { id: r.id, name: r.name }]] : [])));
}

export async function findAccountsByDomains(db: Db, domains: string[]): Promise<Map<string, string>> {
  if (domains.length === 0) return new Map();
  const rows = await db
    .selectFrom('account_domains')
    .select(['domain', 'account_id'])
    .where('domain', 'in', domains)
    .execute();
  return new Map(rows.map((r) => [r.domain, r.account_id]));
}

export type ContactRow = { id: string; email: string; name: string; accountId: string | null };

export async function findContactsByEmail(db: Db, emails: string[]): Promise<Map<string, ContactRow>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'email', 'name', 'account_id'])
    .where('email', 'in', emails)
    .execute();
  return new Map(
    rows.flatMap((r) =>
      r.email ? [[r.email, { id: r.id, email: r.email, name: r.name, accountId: r.account_id }]] : [],
    ),
  );
}

/** Creates contacts that do not exist yet (a concurrent creator wins harmlessly), then returns all of them. */
export async function ensureContacts(
  db: Db,
  rows: { email: string; name: string; accountId: string | null }[],
): Promise<Map<string, ContactRow>> {
  if (rows.length === 0) return new Map();
  await db
    .insertInto('contacts')
    .values(rows.map((r) => ({ email: r.email, name: r.name.slice(0, 500), account_id: r.accountId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  return findContactsByEmail(
    db,
    rows.map((r) => r.email),
  );
}
