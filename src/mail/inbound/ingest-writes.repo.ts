import { type Kysely, sql } from 'kysely';
import { formatCaseNumber, formatTrackingToken, randomCaseSuffix } from '../../cases/case-number.js';
import type { DB } from '../../platform/db/db.js';
import type { CaseStatus, ParticipantRole, Priority } from '../../platform/db/schema.js';
import type { InboundStatus, ThreadVia } from './inbound.tables.js';

/** The writes of the ingestion transaction, set at a time: new cases, participants, emails, case effects. */
type Db = Kysely<DB>;

export type NewCase = {
  id: string;
  title: string;
  accountId: string | null;
  priority: Priority;
  ownerId: string | null;
  openedAt: Date;
};

/**
 * Inserts new cases with numbers and tracking tokens drawn from the sequences in one query. A clash
 * with an imported number or token (the sequence caught up with it) is retried with fresh values.
 */
export async function insertNewCases(
  db: Db,
  cases: NewCase[],
  trackingPrefix: string,
): Promise<Map<string, { number: string; trackingToken: string }>> {
  const out = new Map<string, { number: string; trackingToken: string }>();
  let pending = cases;
  for (let round = 0; round < 10 && pending.length > 0; round++) {
    const drawn = await sql<{ n: number; t: number }>`
      select nextval('case_number_seq')::int as n, nextval('tracking_token_seq')::int as t
      from generate_series(1, ${pending.length}::int)`.execute(db);
    const values = pending.map((c, i) => {
      const d = drawn.rows[i] as { n: number; t: number };
      return {
        id: c.id,
        number: formatCaseNumber(d.n, randomCaseSuffix()),
        title: c.title,
        account_id: c.accountId,
        priority: c.priority,
        status: 'new' as const,
        stage: '',
        owner_id: c.ownerId,
        tracking_token: formatTrackingToken(trackingPrefix, d.t),
        opened_at: c.openedAt,
        updated_at: c.openedAt,
      };
    });
    const inserted = await db
      .insertInto('cases')
      .values(values)
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'number', 'tracking_token'])
      .execute();
    for (const r of inserted) out.set(r.id, { number: r.number, trackingToken: r.tracking_token });
    pending = pending.filter((c) => !out.has(c.id));
  }
  if (pending.length > 0) throw new Error('could not draw free case numbers for new mail');
  return out;
}

export async function addParticipants(
  db: Db,
  rows: { caseId: string; contactId: string; role: ParticipantRole }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('case_participants')
    .values(rows.map((r) => ({ case_id: r.caseId, contact_id: r.contactId, role: r.role })))
    .onConflict((oc) => oc.columns(['case_id', 'contact_id']).doNothing())
    .execute();
}

export type InboundEmailRow = {
  activityId: string;
  inboundMessageId: string;
  rawSha256: string;
  html: string | null;
  threadRoot: string | null;
  isAutoReply: boolean;
  warnings: string[];
  files: {
    sha256: string;
    filename: string;
    contentType: string;
    size: number;
    contentId: string | null;
    inline: boolean;
  }[];
};

export async function insertInboundEmails(db: Db, rows: InboundEmailRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('inbound_emails')
    .values(
      rows.map((r) => ({
        activity_id: r.activityId,
        inbound_message_id: r.inboundMessageId,
        raw_sha256: r.rawSha256,
        // The text is in emails.text_body; readers split it (stored once: migration 011).
        fresh_text: null,
        quoted_text: null,
        html_body: r.html,
        thread_root: r.threadRoot,
        is_auto_reply: r.isAutoReply,
        warnings: JSON.stringify(r.warnings),
      })),
    )
    .execute();
  const files = rows.flatMap((r) =>
    r.files.map((f, position) => ({ ...f, position, activityId: r.activityId })),
  );
  if (files.length === 0) return;
  await db
    .insertInto('email_files')
    .values(
      files.map((f) => ({
        activity_id: f.activityId,
        position: f.position,
        sha256: f.sha256,
        filename: f.filename,
        content_type: f.contentType,
        size: f.size,
        content_id: f.contentId,
        inline: f.inline,
      })),
    )
    .execute();
}

export type TouchRow = { id: string; updatedAt: Date; status: CaseStatus | null };

export type FinishRow = {
  id: string;
  status: InboundStatus;
  via: ThreadVia | null;
  caseId: string | null;
  activityId: string | null;
  reason: string | null;
  namedCaseId: string | null;
};

export type OwnerNotice = {
  engineerId: string;
  caseId: string;
  kind: string;
  message: string;
  dedupeKey: string;
};

/**
 * The end of a batch in one statement: each touched case's last activity time and status (reopen),
 * the owners' notifications (once per dedupe key), and each message's final record.
 */
export async function finishBatch(
  db: Db,
  batch: { touched: TouchRow[]; notices: OwnerNotice[]; finish: FinishRow[] },
): Promise<void> {
  // Always lock cases in the same order, so concurrent batches cannot deadlock on them.
  const touched = [...batch.touched].sort((a, b) => (a.id < b.id ? -1 : 1));
  const col = <K extends keyof FinishRow>(k: K) => batch.finish.map((r) => r[k]);
  const notice = <K extends keyof OwnerNotice>(k: K) => batch.notices.map((n) => n[k]);
  await sql`
    with touched as (
      update cases c set
        updated_at = greatest(c.updated_at, v.t),
        status = coalesce(v.s, c.status),
        closed_at = case when v.s is not null and v.s <> 'closed' then null else c.closed_at end
      from unnest(${touched.map((r) => r.id)}::uuid[], ${touched.map((r) => r.updatedAt.toISOString())}::timestamptz[],
        ${touched.map((r) => r.status)}::text[]) as v(id, t, s)
      where c.id = v.id
      returning c.id),
    notices as (
      insert into notifications (engineer_id, case_id, kind, message, dedupe_key)
      select * from unnest(${notice('engineerId')}::uuid[], ${notice('caseId')}::uuid[], ${notice('kind')}::text[],
        ${notice('message')}::text[], ${notice('dedupeKey')}::text[])
      on conflict do nothing
      returning id)
    update inbound_messages m set status = v.status, via = v.via, case_id = v.case_id,
      activity_id = v.activity_id, reason = v.reason, named_case_id = v.named_case_id
    from unnest(${col('id')}::uuid[], ${col('status')}::text[], ${col('via')}::text[], ${col('caseId')}::uuid[],
      ${col('activityId')}::uuid[], ${col('reason')}::text[], ${col('namedCaseId')}::uuid[])
      as v(id, status, via, case_id, activity_id, reason, named_case_id)
    where m.id = v.id`.execute(db);
}

/** One message's final record (a message that could not be filed: see commitPrepared). */
export async function finishMessages(db: Db, rows: FinishRow[]): Promise<void> {
  if (rows.length === 0) return;
  await finishBatch(db, { touched: [], notices: [], finish: rows });
}
