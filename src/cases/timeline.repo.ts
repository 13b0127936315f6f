import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { ActivityType, ActorType, AttachmentRef, EmailAddress } from '../platform/db/schema.js';

type Db = Kysely<DB>;

export type Actor = { type: ActorType; id: string | null; name: string };

export type EmailFields = {
  direction: 'inbound' | 'outbound';
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  text: string;
  html: string | null;
  sentAt: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  attachments: AttachmentRef[];
};

/** One timeline entry as the API shows it; `type` tells which of the optional groups is present. */
export type Activity = {
  id: string;
  type: ActivityType;
  /** ISO 8601 UTC with the stored precision (microseconds for imported archives). */
  occurredAt: string;
  actor: Actor;
  payload: Record<string, unknown>;
  email?: EmailFields;
};

export type NewActivity = {
  caseId: string;
  type: ActivityType;
  actor: Actor;
  /** Date, or Postgres-readable text to keep microseconds. */
  occurredAt: Date | string;
  payload?: Record<string, unknown>;
};

export type NewEmail = Omit<EmailFields, 'sentAt'> & { sentAt: Date | string | null };

/** A timeline entry to write; an email carries its message fields. */
export type NewTimelineEntry = NewActivity & { email?: NewEmail };

export async function insertActivity(db: Db, input: NewActivity): Promise<string> {
  const [id] = await insertTimelineEntries(db, [input]);
  return id as string;
}

export async function insertEmailActivity(
  db: Db,
  input: { caseId: string; actor: Actor; occurredAt: Date | string; email: NewEmail },
): Promise<string> {
  const [id] = await insertTimelineEntries(db, [{ ...input, type: 'email' }]);
  return id as string;
}

/**
 * Writes entries in order with two multi-row inserts (activities, then their emails), so a bulk
 * import costs two round trips however long the thread. Returns the new activity ids in order.
 */
export async function insertTimelineEntries(db: Db, entries: NewTimelineEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const ids = entries.map(() => randomUUID());
  await db
    .insertInto('activities')
    .values(
      entries.map((e, i) => ({
        id: ids[i] as string,
        case_id: e.caseId,
        type: e.type,
        actor_type: e.actor.type,
        actor_id: e.actor.id,
        actor_name: e.actor.name,
        occurred_at: e.occurredAt,
        payload: JSON.stringify(e.payload ?? {}),
      })),
    )
    .execute();
  const emails = entries.flatMap((e, i) =>
    e.email ? [{ id: ids[i] as string, caseId: e.caseId, email: e.email }] : [],
  );
  if (emails.length > 0) {
    await db
      .insertInto('emails')
      .values(
        emails.map(({ id, caseId, email: m }) => ({
          activity_id: id,
          case_id: caseId,
          direction: m.direction,
          from_name: m.from.name,
          from_address: m.from.address,
          to_addresses: JSON.stringify(m.to),
          cc_addresses: JSON.stringify(m.cc),
          subject: m.subject,
          text_body: m.text,
          html_body: m.html,
          sent_at: m.sentAt,
          message_id: m.messageId,
          in_reply_to: m.inReplyTo,
          references_ids: m.references,
          attachments: JSON.stringify(m.attachments),
        })),
      )
      .execute();
  }
  return ids;
}

const isoMicros = (column: string) =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function listTimeline(db: Db, caseId: string): Promise<Activity[]> {
  const rows = await db
    .selectFrom('activities')
    .leftJoin('emails', 'emails.activity_id', 'activities.id')
    .select([
      'activities.id',
      'activities.type',
      isoMicros('activities.occurred_at').as('occurred_at'),
      'activities.actor_type',
      'activities.actor_id',
      'activities.actor_name',
      'activities.payload',
      'emails.direction',
      'emails.from_name',
      'emails.from_address',
      'emails.to_addresses',
      'emails.cc_addresses',
      'emails.subject',
      'emails.text_body',
      'emails.html_body',
      isoMicros('emails.sent_at').as('sent_at'),
      'emails.message_id',
      'emails.in_reply_to',
      'emails.references_ids',
      'emails.attachments',
    ])
    .where('activities.case_id', '=', caseId)
    .orderBy('activities.occurred_at')
    .orderBy('activities.seq')
    .execute();
  return rows.map((r) => {
    const activity: Activity = {
      id: r.id,
      type: r.type,
      occurredAt: r.occurred_at,
      actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
      payload: r.payload,
    };
    if (r.type === 'email' && r.direction) {
      activity.email = {
        direction: r.direction,
        from: { name: r.from_name, address: r.from_address },
        to: r.to_addresses ?? [],
        cc: r.cc_addresses ?? [],
        subject: r.subject ?? '',
        text: r.text_body ?? '',
        html: r.html_body,
        sentAt: r.sent_at,
        messageId: r.message_id,
        inReplyTo: r.in_reply_to,
        references: r.references_ids ?? [],
        attachments: r.attachments ?? [],
      };
    }
    return activity;
  });
}
