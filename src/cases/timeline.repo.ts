import { type Kysely, sql } from 'kysely';
import type { ActivityType, ActorType, AttachmentRef, DB, EmailAddress } from '../platform/db/schema.js';

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

export async function insertActivity(db: Db, input: NewActivity): Promise<string> {
  const row = await db
    .insertInto('activities')
    .values({
      case_id: input.caseId,
      type: input.type,
      actor_type: input.actor.type,
      actor_id: input.actor.id,
      actor_name: input.actor.name,
      occurred_at: input.occurredAt,
      payload: JSON.stringify(input.payload ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type NewEmail = Omit<EmailFields, 'sentAt'> & { sentAt: Date | string | null };

export async function insertEmailActivity(
  db: Db,
  input: { caseId: string; actor: Actor; occurredAt: Date | string; email: NewEmail },
): Promise<string> {
  const activityId = await insertActivity(db, {
    caseId: input.caseId,
    type: 'email',
    actor: input.actor,
    occurredAt: input.occurredAt,
  });
  const e = input.email;
  await db
    .insertInto('emails')
    .values({
      activity_id: activityId,
      case_id: input.caseId,
      direction: e.direction,
      from_name: e.from.name,
      from_address: e.from.address,
      to_addresses: JSON.stringify(e.to),
      cc_addresses: JSON.stringify(e.cc),
      subject: e.subject,
      text_body: e.text,
      html_body: e.html,
      sent_at: e.sentAt,
      message_id: e.messageId,
      in_reply_to: e.inReplyTo,
      references_ids: e.references,
      attachments: JSON.stringify(e.attachments),
    })
    .execute();
  return activityId;
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
