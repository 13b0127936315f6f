import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type {
  ActivityType,
  AttachmentRef,
  CaseStatus,
  EmailAddress,
  Priority,
} from '../platform/db/schema.js';

type Db = Kysely<DB>;

/**
 * The portal's only SQL on cases. Every query takes the contact's account id and filters on it, so
 * another account's case is never read: it looks exactly like a case that does not exist.
 */
export type PortalCaseRow = {
  id: string;
  number: string;
  title: string;
  priority: Priority;
  status: CaseStatus;
  stage: string;
  ownerName: string | null;
  openedAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
};

function caseQuery(db: Db, accountId: string) {
  return db
    .selectFrom('cases')
    .leftJoin('engineers', 'engineers.id', 'cases.owner_id')
    .select([
      'cases.id',
      'cases.number',
      'cases.title',
      'cases.priority',
      'cases.status',
      'cases.stage',
      'engineers.name as owner_name',
      'cases.opened_at',
      'cases.updated_at',
      'cases.closed_at',
    ])
    .where('cases.account_id', '=', accountId);
}

type CaseRow = Awaited<ReturnType<ReturnType<typeof caseQuery>['executeTakeFirstOrThrow']>>;

const toCase = (r: CaseRow): PortalCaseRow => ({
  id: r.id,
  number: r.number,
  title: r.title,
  priority: r.priority,
  status: r.status,
  stage: r.stage,
  ownerName: r.owner_name,
  openedAt: r.opened_at,
  updatedAt: r.updated_at,
  closedAt: r.closed_at,
});

export async function listAccountCases(
  db: Db,
  accountId: string,
  filter: { state: 'open' | 'closed' | 'all'; page: number; pageSize: number },
): Promise<{ items: PortalCaseRow[]; hasMore: boolean }> {
  let q = caseQuery(db, accountId);
  if (filter.state === 'open') q = q.where('cases.status', '<>', 'closed');
  if (filter.state === 'closed') q = q.where('cases.status', '=', 'closed');
  const rows = await q
    .orderBy('cases.updated_at', 'desc')
    .orderBy('cases.id')
    .limit(filter.pageSize + 1)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { items: rows.slice(0, filter.pageSize).map(toCase), hasMore: rows.length > filter.pageSize };
}

export async function findAccountCase(
  db: Db,
  accountId: string,
  number: string,
): Promise<PortalCaseRow | null> {
  const row = await caseQuery(db, accountId).where('cases.number', '=', number).executeTakeFirst();
  return row ? toCase(row) : null;
}

/** The current closure of a closed case: reason and the summary sent to the customer. */
export async function currentClosure(
  db: Db,
  caseId: string,
): Promise<{ reason: string; summary: string; closedAt: Date } | null> {
  const row = await db
    .selectFrom('case_closures')
    .select(['reason', 'summary', 'closed_at'])
    .where('case_id', '=', caseId)
    .where('reopened_at', 'is', null)
    .orderBy('closed_at', 'desc')
    .executeTakeFirst();
  return row ? { reason: row.reason, summary: row.summary, closedAt: row.closed_at } : null;
}

/** Lower-case addresses of the account's contacts: an email is the customer's if one of them took part. */
export async function accountAddresses(db: Db, accountId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('contacts')
    .select('email')
    .where('account_id', '=', accountId)
    .where('email', 'is not', null)
    .execute();
  return new Set(rows.flatMap((r) => (r.email ? [r.email] : [])));
}

export type TimelineRow = {
  id: string;
  type: ActivityType;
  occurredAt: Date;
  actorType: string;
  actorName: string;
  payload: Record<string, unknown>;
  email: {
    direction: 'inbound' | 'outbound';
    from: EmailAddress;
    to: EmailAddress[];
    cc: EmailAddress[];
    subject: string;
    text: string;
    attachments: AttachmentRef[];
    fresh: string | null;
    quoted: string | null;
    html: string | null;
  } | null;
};

/** The case's emails, status changes and system events (notes, calls and transfers are never read). */
export async function listTimelineCandidates(db: Db, caseId: string): Promise<TimelineRow[]> {
  const rows = await db
    .selectFrom('activities')
    .leftJoin('emails', 'emails.activity_id', 'activities.id')
    .leftJoin('inbound_emails', 'inbound_emails.activity_id', 'activities.id')
    .select([
      'activities.id',
      'activities.type',
      'activities.occurred_at',
      'activities.actor_type',
      'activities.actor_name',
      'activities.payload',
      'emails.direction',
      'emails.from_name',
      'emails.from_address',
      'emails.to_addresses',
      'emails.cc_addresses',
      'emails.subject',
      'emails.text_body',
      'emails.attachments',
      'inbound_emails.fresh_text',
      'inbound_emails.quoted_text',
      'inbound_emails.html_body',
    ])
    .where('activities.case_id', '=', caseId)
    .where('activities.type', 'in', ['email', 'status_change', 'system'])
    .orderBy('activities.occurred_at')
    .orderBy('activities.seq')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    occurredAt: r.occurred_at,
    actorType: r.actor_type,
    actorName: r.actor_name,
    payload: r.payload,
    email:
      r.type === 'email' && r.direction
        ? {
            direction: r.direction,
            from: { name: r.from_name, address: r.from_address },
            to: r.to_addresses ?? [],
            cc: r.cc_addresses ?? [],
            subject: r.subject ?? '',
            text: r.text_body ?? '',
            attachments: r.attachments ?? [],
            fresh: r.fresh_text,
            quoted: r.quoted_text,
            html: r.html_body,
          }
        : null,
  }));
}

export type StoredFile = {
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
};

/** Files of emails (inbound: every part incl. cid images; outbound: the attachments sent). */
export async function filesOfEmails(db: Db, activityIds: string[]): Promise<Map<string, StoredFile[]>> {
  const byEmail = new Map<string, StoredFile[]>();
  if (activityIds.length === 0) return byEmail;
  const rows = await db
    .selectFrom('email_files')
    .select(['activity_id', 'sha256', 'filename', 'content_type', 'size', 'content_id', 'inline'])
    .where('activity_id', 'in', activityIds)
    .orderBy('activity_id')
    .orderBy('position')
    .execute();
  for (const r of rows) {
    const list = byEmail.get(r.activity_id) ?? [];
    list.push({
      sha256: r.sha256,
      filename: r.filename,
      contentType: r.content_type,
      size: Number(r.size),
      contentId: r.content_id,
      inline: r.inline,
    });
    byEmail.set(r.activity_id, list);
  }
  return byEmail;
}

export type PortalUpload = {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: Date | null;
};

/** Completed uploads of a case (files purged after closure are gone from the list). */
export async function listCaseUploads(db: Db, caseId: string): Promise<PortalUpload[]> {
  const rows = await db
    .selectFrom('upload_files')
    .select(['id', 'file_name', 'content_type', 'size', 'sha256', 'completed_at'])
    .where('case_id', '=', caseId)
    .where('status', '=', 'complete')
    .orderBy('completed_at')
    .execute();
  return rows.flatMap((r) =>
    r.sha256
      ? [
          {
            id: r.id,
            fileName: r.file_name,
            contentType: r.content_type,
            size: Number(r.size),
            sha256: r.sha256,
            uploadedAt: r.completed_at,
          },
        ]
      : [],
  );
}
