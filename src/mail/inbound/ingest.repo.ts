import { type Kysely, sql } from 'kysely';
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
 * Records messages as received, in the same statement as the look-up of our own sent mail among
 * them; returns the ids of those that are new (by raw SHA-256) and the case of each sent Message-ID
 * found. A message whose bytes or Message-ID were seen before is not inserted (that is the dedupe),
 * nor is one whose Message-ID is one we sent (it came back); a concurrent transaction inserting the
 * same message waits for this one and then inserts nothing.
 */
export async function claimMessagesUnlessSent(
  db: Db,
  rows: ClaimRow[],
): Promise<{ claimed: Map<string, string>; sent: Map<string, string> }> {
  if (rows.length === 0) return { claimed: new Map(), sent: new Map() };
  const col = <K extends keyof ClaimRow>(k: K) => rows.map((r) => r[k]);
  const { rows: out } = await sql<{
    sent: { message_id: string; case_id: string }[] | null;
    claimed: { id: string; raw_sha256: string }[] | null;
  }>`
    with sent as (
      select message_id, case_id from emails
      where direction = 'outbound' and message_id = any(${rows.flatMap((r) => r.messageId ?? [])}::text[])),
    claimed as (
      insert into inbound_messages
        (raw_sha256, raw_size, message_id, message_key, source, subject, from_address, received_at)
      select v.* from unnest(${col('rawSha256')}::text[], ${col('rawSize')}::bigint[], ${col('messageId')}::text[],
        ${col('messageKey')}::text[], ${rows.map((r) => r.source.slice(0, 1000))}::text[],
        ${rows.map((r) => r.subject.slice(0, 2000))}::text[], ${col('fromAddress')}::text[],
        ${rows.map((r) => r.receivedAt.toISOString())}::timestamptz[])
        as v(raw_sha256, raw_size, message_id, message_key, source, subject, from_address, received_at)
      where v.message_id is null or v.message_id not in (select message_id from sent)
      on conflict do nothing
      returning id, raw_sha256)
    select (select json_agg(s) from sent s) as sent, (select json_agg(c) from claimed c) as claimed`.execute(
    db,
  );
  const row = out[0];
  return {
    claimed: new Map((row?.claimed ?? []).map((r) => [r.raw_sha256, r.id])),
    sent: new Map((row?.sent ?? []).map((r) => [r.message_id, r.case_id])),
  };
}

/**
 * Locks received messages for filing and returns those still waiting to be filed. A message filed
 * meanwhile by another server (a recovery sweep racing the server that received it) is left out:
 * its row lock makes this wait for that transaction, and its status is then no longer `processing`.
 */
export async function lockUnfiled(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    update inbound_messages set status = status
    where id = any(${ids}::uuid[]) and status = 'processing'
    returning id`.execute(db);
  return new Set(rows.map((r) => r.id));
}

/** Marks a received message that could not be filed as needing attention (unless it was filed meanwhile). */
export async function markUnfiledForAttention(db: Db, id: string, reason: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    update inbound_messages set status = 'needs_attention', reason = ${reason}
    where id = ${id}::uuid and status = 'processing'
    returning id`.execute(db);
  return rows.length > 0;
}

/** Messages recorded as received (claimed) at or before `before` and still not filed: left by a crash. */
export async function findUnfiled(
  db: Db,
  before: Date,
  limit: number,
): Promise<{ id: string; rawSha256: string; source: string }[]> {
  const rows = await db
    .selectFrom('inbound_messages')
    .select(['id', 'raw_sha256', 'source'])
    .where('status', '=', 'processing')
    .where('received_at', '<=', before)
    .orderBy('received_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, rawSha256: r.raw_sha256, source: r.source }));
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

export type BatchKeys = {
  /** Message-IDs the batch's messages answer. */
  refs: string[];
  tokens: string[];
  numbers: string[];
  threadRoots: string[];
  /** Every sender and recipient address in the batch. */
  addresses: string[];
  /** Their domains and parent domains. */
  domains: string[];
  /** Cases already known to the batch (our own sent mail coming back), to load with the others. */
  knownCaseIds: string[];
};

/** What the database already knows about a batch (the threading plan's Lookups). */
export type BatchFacts = {
  caseIdByMessageId: Map<string, string>;
  caseIdByToken: Map<string, string>;
  caseIdByNumber: Map<string, string>;
  caseIdByThreadRoot: Map<string, string>;
  /** The cases named by any of those, and transitively the cases they were merged into. */
  cases: Map<string, CaseRow>;
  participants: Map<string, string[]>;
  engineers: Map<string, { id: string; name: string }>;
  accountByDomain: Map<string, string>;
  contacts: Map<string, ContactRow>;
};

type Json<T> = T[] | null;

/**
 * Everything threading needs to know about a batch, in ONE statement (one round trip instead of
 * nine: with a few messages per batch, as SMTP gives, the round trips were most of its cost).
 * The same look-ups as the find… functions above, as CTEs.
 */
export async function lookUpBatch(db: Db, keys: BatchKeys): Promise<BatchFacts> {
  const { rows } = await sql<{
    by_ref: Json<{ message_id: string; case_id: string }>;
    by_token: Json<{ tracking_token: string; id: string }>;
    by_number: Json<{ number: string; id: string }>;
    by_root: Json<{ thread_root: string; case_id: string }>;
    cases: Json<{
      id: string;
      number: string;
      title: string;
      account_id: string | null;
      status: CaseStatus;
      closed_at: string | null;
      merged_into: string | null;
      owner_id: string | null;
      priority: Priority;
    }>;
    participants: Json<{ case_id: string; email: string }>;
    engineers: Json<{ id: string; name: string; email: string }>;
    accounts: Json<{ domain: string; account_id: string }>;
    contacts: Json<{ id: string; email: string; name: string; account_id: string | null }>;
  }>`
    with recursive
      by_ref as (
        select message_id, case_id from emails where message_id = any(${keys.refs}::text[])),
      by_token as (
        select tracking_token, id from cases where tracking_token = any(${keys.tokens}::text[])),
      by_number as (select number, id from cases where number = any(${keys.numbers}::text[])),
      -- The earliest message of a conversation decides (a later one may have been moved by hand).
      by_root as (
        select distinct on (ie.thread_root) ie.thread_root, a.case_id
        from inbound_emails ie join activities a on a.id = ie.activity_id
        where ie.thread_root = any(${keys.threadRoots}::text[])
        order by ie.thread_root, a.seq),
      named as (
        select case_id as id from by_ref union select id from by_token union select id from by_number
        union select case_id from by_root union select unnest(${keys.knownCaseIds}::uuid[])),
      found(id, merged_into, depth) as (
        select c.id, c.merged_into, 0 from cases c where c.id in (select id from named)
        union
        select c.id, c.merged_into, f.depth + 1 from cases c join found f on c.id = f.merged_into
        where f.depth < 20),
      case_rows as (
        select id, number, title, account_id, status, closed_at, merged_into, owner_id, priority
        from cases where id in (select id from found))
    select
      (select json_agg(r) from by_ref r) as by_ref,
      (select json_agg(r) from by_token r) as by_token,
      (select json_agg(r) from by_number r) as by_number,
      (select json_agg(r) from by_root r) as by_root,
      (select json_agg(r) from case_rows r) as cases,
      (select json_agg(r) from (
        select p.case_id, c.email from case_participants p join contacts c on c.id = p.contact_id
        where p.case_id in (select id from case_rows) and c.email is not null) r) as participants,
      (select json_agg(r) from (
        select id, name, email from engineers
        where email = any(${keys.addresses}::text[]) and active) r) as engineers,
      (select json_agg(r) from (
        select domain, account_id from account_domains where domain = any(${keys.domains}::text[])) r)
        as accounts,
      (select json_agg(r) from (
        select id, email, name, account_id from contacts where email = any(${keys.addresses}::text[])) r)
        as contacts`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('the batch look-up returned no row');
  const participants = new Map<string, string[]>();
  for (const p of row.participants ?? [])
    participants.set(p.case_id, [...(participants.get(p.case_id) ?? []), p.email]);
  return {
    caseIdByMessageId: new Map((row.by_ref ?? []).map((r) => [r.message_id, r.case_id])),
    caseIdByToken: new Map((row.by_token ?? []).map((r) => [r.tracking_token, r.id])),
    caseIdByNumber: new Map((row.by_number ?? []).map((r) => [r.number, r.id])),
    caseIdByThreadRoot: new Map((row.by_root ?? []).map((r) => [r.thread_root, r.case_id])),
    cases: new Map(
      (row.cases ?? []).map((r) => [
        r.id,
        {
          id: r.id,
          number: r.number,
          title: r.title,
          accountId: r.account_id,
          status: r.status,
          closedAt: r.closed_at === null ? null : new Date(r.closed_at),
          mergedInto: r.merged_into,
          ownerId: r.owner_id,
          priority: r.priority,
        },
      ]),
    ),
    participants,
    engineers: new Map((row.engineers ?? []).map((r) => [r.email, { id: r.id, name: r.name }])),
    accountByDomain: new Map((row.accounts ?? []).map((r) => [r.domain, r.account_id])),
    contacts: new Map(
      (row.contacts ?? []).map((r) => [
        r.email,
        { id: r.id, email: r.email, name: r.name, accountId: r.account_id },
      ]),
    ),
  };
}
