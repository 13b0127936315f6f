import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.js';
import { splitQuoted } from '../reading/split-quoted.js';
import type { InboundStatus } from './inbound.tables.js';

/** The needs-attention list and the review queue, and what the reading API serves. */
type Db = Kysely<DB>;

export type InboundItem = {
  id: string;
  status: InboundStatus;
  receivedAt: string;
  source: string;
  subject: string;
  from: string | null;
  messageId: string | null;
  rawSha256: string;
  rawSize: number;
  reason: string | null;
  /** For review items: the case the message named but was kept out of. */
  namedCase: string | null;
  /** Where it was filed, once threaded. */
  caseNumber: string | null;
  resolution: string | null;
};

function items(db: Db) {
  return db
    .selectFrom('inbound_messages as m')
    .leftJoin('cases as named', 'named.id', 'm.named_case_id')
    .leftJoin('cases as filed', 'filed.id', 'm.case_id')
    .select([
      'm.id',
      'm.status',
      'm.received_at',
      'm.source',
      'm.subject',
      'm.from_address',
      'm.message_id',
      'm.raw_sha256',
      'm.raw_size',
      'm.reason',
      'named.number as named_number',
      'filed.number as filed_number',
      'm.resolution',
    ]);
}

type ItemRow = {
  id: string;
  status: InboundStatus;
  received_at: Date;
  source: string;
  subject: string;
  from_address: string | null;
  message_id: string | null;
  raw_sha256: string;
  raw_size: number;
  reason: string | null;
  named_number: string | null;
  filed_number: string | null;
  resolution: string | null;
};

const toItem = (r: ItemRow): InboundItem => ({
  id: r.id,
  status: r.status,
  receivedAt: r.received_at.toISOString(),
  source: r.source,
  subject: r.subject,
  from: r.from_address,
  messageId: r.message_id,
  rawSha256: r.raw_sha256,
  rawSize: r.raw_size,
  reason: r.reason,
  namedCase: r.named_number,
  caseNumber: r.filed_number,
  resolution: r.resolution,
});

/** Open items of one list, oldest first (they wait for a person). */
export async function listInbound(
  db: Db,
  status: 'needs_attention' | 'review',
  page: { limit: number; offset: number },
): Promise<InboundItem[]> {
  const rows = await items(db)
    .where('m.status', '=', status)
    .orderBy('m.received_at')
    .orderBy('m.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(toItem);
}

export async function findInbound(db: Db, id: string): Promise<InboundItem | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await items(db).where('m.id', '=', id).executeTakeFirst();
  return row ? toItem(row) : null;
}

export async function markResolved(
  db: Db,
  id: string,
  input: { status?: InboundStatus; by: string | null; resolution: string; at: Date },
): Promise<void> {
  await db
    .updateTable('inbound_messages')
    .set({
      ...(input.status ? { status: input.status } : {}),
      resolved_at: input.at,
      resolved_by: input.by,
      resolution: input.resolution.slice(0, 2000),
    })
    .where('id', '=', id)
    .execute();
}

export type EmailView = {
  activityId: string;
  caseId: string;
  caseNumber: string;
  subject: string;
  rawSha256: string | null;
  html: string | null;
  text: string;
  fresh: string | null;
  quoted: string | null;
  files: {
    sha256: string;
    filename: string;
    contentType: string;
    size: number;
    contentId: string | null;
    inline: boolean;
  }[];
};

/** An email on a timeline with what inbound mail keeps of it (null for an activity that is no email). */
/** What the sender wrote and the quoted history: as stored by older versions, else split now. */
function readingParts(row: {
  inbound_id: string | null;
  text_body: string;
  fresh_text: string | null;
  quoted_text: string | null;
}): { fresh: string | null; quoted: string | null } {
  if (row.fresh_text !== null) return { fresh: row.fresh_text, quoted: row.quoted_text };
  return row.inbound_id === null ? { fresh: null, quoted: null } : splitQuoted(row.text_body);
}

export async function findEmailView(db: Db, activityId: string): Promise<EmailView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(activityId)) return null;
  const row = await db
    .selectFrom('emails as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .leftJoin('inbound_emails as ie', 'ie.activity_id', 'e.activity_id')
    .select([
      'e.activity_id',
      'e.case_id',
      'c.number',
      'e.subject',
      'e.text_body',
      'e.html_body',
      'ie.html_body as inbound_html',
      'ie.raw_sha256',
      'ie.activity_id as inbound_id',
      'ie.fresh_text',
      'ie.quoted_text',
    ])
    .where('e.activity_id', '=', activityId)
    .executeTakeFirst();
  if (!row) return null;
  const files = await db
    .selectFrom('email_files')
    .select(['sha256', 'filename', 'content_type', 'size', 'content_id', 'inline'])
    .where('activity_id', '=', activityId)
    .orderBy('position')
    .execute();
  return {
    activityId: row.activity_id,
    caseId: row.case_id,
    caseNumber: row.number,
    subject: row.subject,
    rawSha256: row.raw_sha256,
    html: row.inbound_html ?? row.html_body,
    text: row.text_body,
    ...readingParts(row),
    files: files.map((f) => ({
      sha256: f.sha256,
      filename: f.filename,
      contentType: f.content_type,
      size: f.size,
      contentId: f.content_id,
      inline: f.inline,
    })),
  };
}
