import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../platform/db/db.js';
import type { AttachmentRef, EmailAddress } from '../../platform/db/schema.js';
import { conflict, notFound } from '../../platform/errors.js';
import type { OutboxKind, OutboxState } from './outbound.tables.js';
import { type DeliveryStatus, describeDelivery } from './smtp-outcome.js';

type Db = Kysely<DB>;

/** What a queued message says and to whom: the part every outbox type shares. */
export type OutboxContent = {
  kind: OutboxKind;
  caseId: string | null;
  activityId: string | null;
  messageId: string;
  fromName: string | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  subject: string;
  text: string;
  html: string | null;
  inReplyTo: string | null;
  references: string[];
  headers: Record<string, string>;
  attachments: AttachmentRef[];
};

/** An outbox row as senders and the API see it. */
export type OutboxMessage = OutboxContent & {
  id: string;
  state: OutboxState;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: Date;
  claimToken: string | null;
  lastError: string | null;
  smtpResponse: string | null;
  heldReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
};

export type NewOutboxMessage = OutboxContent & { heldReason: string | null; now: Date };

type Row = {
  id: string;
  kind: OutboxKind;
  case_id: string | null;
  activity_id: string | null;
  message_id: string;
  from_name: string | null;
  to_addresses: EmailAddress[];
  cc_addresses: EmailAddress[];
  bcc_addresses: EmailAddress[];
  subject: string;
  text_body: string;
  html_body: string | null;
  in_reply_to: string | null;
  references_ids: string[];
  extra_headers: Record<string, string>;
  attachments: AttachmentRef[];
  state: OutboxState;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date;
  claim_token: string | null;
  last_error: string | null;
  smtp_response: string | null;
  held_reason: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
};

function toMessage(r: Row): OutboxMessage {
  return {
    id: r.id,
    kind: r.kind,
    caseId: r.case_id,
    activityId: r.activity_id,
    messageId: r.message_id,
    fromName: r.from_name,
    to: r.to_addresses,
    cc: r.cc_addresses,
    bcc: r.bcc_addresses,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    inReplyTo: r.in_reply_to,
    references: r.references_ids,
    headers: r.extra_headers,
    attachments: r.attachments,
    state: r.state,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    nextAttemptAt: new Date(r.next_attempt_at),
    claimToken: r.claim_token,
    lastError: r.last_error,
    smtpResponse: r.smtp_response,
    heldReason: r.held_reason,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    sentAt: r.sent_at ? new Date(r.sent_at) : null,
  };
}

export function deliveryOf(m: OutboxMessage): DeliveryStatus {
  return describeDelivery({
    outboxId: m.id,
    state: m.state,
    attempts: m.attempts,
    nextAttemptAt: m.state === 'retry' || m.state === 'pending' ? m.nextAttemptAt.toISOString() : null,
    smtpResponse: m.smtpResponse,
    error: m.lastError,
    heldReason: m.heldReason,
    updatedAt: m.updatedAt.toISOString(),
  });
}

export async function insertOutboxMessage(db: Db, m: NewOutboxMessage): Promise<OutboxMessage> {
  const row = await db
    .insertInto('mail_outbox')
    .values({
      kind: m.kind,
      case_id: m.caseId,
      activity_id: m.activityId,
      message_id: m.messageId,
      from_name: m.fromName,
      to_addresses: JSON.stringify(m.to),
      cc_addresses: JSON.stringify(m.cc),
      bcc_addresses: JSON.stringify(m.bcc),
      subject: m.subject,
      text_body: m.text,
      html_body: m.html,
      in_reply_to: m.inReplyTo,
      references_ids: m.references,
      extra_headers: JSON.stringify(m.headers),
      attachments: JSON.stringify(m.attachments),
      held_reason: m.heldReason,
      next_attempt_at: m.now,
      created_at: m.now,
      updated_at: m.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const message = toMessage(row as Row);
  await writeDelivery(db, message);
  return message;
}

/** Mirrors the row's delivery state into its email activity's payload, so the timeline shows it. */
async function writeDelivery(db: Db, m: OutboxMessage): Promise<void> {
  if (!m.activityId) return;
  await sql`update activities
    set payload = jsonb_set(payload, '{delivery}', ${JSON.stringify(deliveryOf(m))}::jsonb, true)
    where id = ${m.activityId}`.execute(db);
}

/**
 * Atomically claims up to `limit` due messages for one sender: a conditional update over rows
 * locked with `for update skip locked`, so two senders never claim the same row. Each claim gets
 * a fresh token; only the holder of that token may record the outcome.
 */
export async function claimDueMessages(
  db: Db,
  input: { now: Date; leaseUntil: Date; workerId: string; limit: number },
): Promise<OutboxMessage[]> {
  const token = randomUUID();
  const result = await sql<Row>`
    update mail_outbox set state = 'sending', claim_token = ${token}, claimed_by = ${input.workerId},
      lease_until = ${input.leaseUntil}, attempts = attempts + 1, updated_at = ${input.now}
    where id in (
      select id from mail_outbox
      where state in ('pending', 'retry') and next_attempt_at <= ${input.now}
      order by next_attempt_at, created_at
      limit ${input.limit}
      for update skip locked)
    returning *`.execute(db);
  return result.rows.map(toMessage);
}

export type Outcome =
  | { state: 'sent'; smtpResponse: string; error: string | null }
  | { state: 'retry'; error: string; nextAttemptAt: Date }
  | { state: 'failed'; error: string; smtpResponse: string | null }
  | { state: 'uncertain'; error: string };

/**
 * Records the outcome of a claim, with the timeline mirror, in one transaction. Only the claim's
 * holder may record it; a late `sent` still wins over `uncertain` (it is the truth). Returns false
 * when the claim was no longer this sender's.
 */
export async function recordOutcome(
  db: Db,
  input: { id: string; claimToken: string; now: Date; outcome: Outcome },
): Promise<boolean> {
  const { outcome, now } = input;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('mail_outbox')
      .set({
        state: outcome.state,
        updated_at: now,
        lease_until: null,
        last_error: outcome.error,
        ...(outcome.state === 'sent'
          ? { smtp_response: outcome.smtpResponse, sent_at: now, held_reason: null }
          : {}),
        ...(outcome.state === 'failed' ? { smtp_response: outcome.smtpResponse } : {}),
        ...(outcome.state === 'retry' ? { next_attempt_at: outcome.nextAttemptAt } : {}),
      })
      .where('id', '=', input.id)
      .where('claim_token', '=', input.claimToken)
      .where('state', 'in', outcome.state === 'sent' ? ['sending', 'uncertain'] : ['sending'])
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    const message = toMessage(row as Row);
    await writeDelivery(trx, message);
    if (outcome.state === 'sent' && message.activityId) {
      await trx
        .updateTable('emails')
        .set({ sent_at: now })
        .where('activity_id', '=', message.activityId)
        .execute();
    }
    return true;
  });
}

/**
 * Claims whose lease ran out: their sender died (or hung) somewhere inside the SMTP transaction, so
 * the server may have accepted the message. They become `uncertain` and are never re-sent
 * automatically. Returns how many.
 */
export async function expireStaleClaims(db: Db, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable('mail_outbox')
      .set({
        state: 'uncertain',
        updated_at: now,
        lease_until: null,
        last_error:
          'the sender stopped during the SMTP transaction (crash or restart); the server may or may not have accepted it',
      })
      .where('state', '=', 'sending')
      .where('lease_until', '<', now)
      .returningAll()
      .execute();
    for (const row of rows) await writeDelivery(trx, toMessage(row as Row));
    return rows.length;
  });
}

/** Labels waiting messages with why they wait (e.g. no SMTP server configured on this server). */
export async function holdWaiting(db: Db, reason: string, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable('mail_outbox')
      .set({ held_reason: reason, updated_at: now })
      .where('state', 'in', ['pending', 'retry'])
      .where((eb) => eb.or([eb('held_reason', 'is', null), eb('held_reason', '!=', reason)]))
      .returningAll()
      .execute();
    for (const row of rows) await writeDelivery(trx, toMessage(row as Row));
    return rows.length;
  });
}

/** Puts a failed or uncertain message back in the queue (an admin's decision), keeping its Message-ID. */
export async function requeueMessage(db: Db, id: string, now: Date): Promise<OutboxMessage> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('mail_outbox')
      .set((eb) => ({
        state: 'retry',
        next_attempt_at: now,
        updated_at: now,
        max_attempts: eb('attempts', '+', 3),
        claim_token: null,
      }))
      .where('id', '=', id)
      .where('state', 'in', ['failed', 'uncertain'])
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const exists = await getOutboxMessage(trx, id);
      throw conflict(
        'outbox.not_requeueable',
        `Outbox message ${id} is ${exists.state}; only failed or uncertain mail can be sent again`,
      );
    }
    const message = toMessage(row as Row);
    await writeDelivery(trx, message);
    return message;
  });
}

export async function getOutboxMessage(db: Db, id: string): Promise<OutboxMessage> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const row = uuid.test(id)
    ? await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row) throw notFound('outbox.not_found', `No outbox message ${id}`);
  return toMessage(row as Row);
}

export async function listOutbox(
  db: Db,
  filter: { states?: OutboxState[]; limit: number; caseId?: string },
): Promise<OutboxMessage[]> {
  let q = db.selectFrom('mail_outbox').selectAll();
  if (filter.states?.length) q = q.where('state', 'in', filter.states);
  if (filter.caseId) q = q.where('case_id', '=', filter.caseId);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).execute();
  return rows.map((r) => toMessage(r as Row));
}

/** The email a reply answers: the given activity's email, or the case's latest inbound email with a Message-ID. */
export async function findParentEmail(
  db: Db,
  caseId: string,
  activityId: string | undefined,
): Promise<{ messageId: string | null; references: string[] } | null> {
  let q = db
    .selectFrom('emails')
    .innerJoin('activities', 'activities.id', 'emails.activity_id')
    .select(['emails.message_id', 'emails.references_ids'])
    .where('emails.case_id', '=', caseId);
  if (activityId) q = q.where('emails.activity_id', '=', activityId);
  else q = q.where('emails.direction', '=', 'inbound').where('emails.message_id', 'is not', null);
  const row = await q
    .orderBy('activities.occurred_at', 'desc')
    .orderBy('activities.seq', 'desc')
    .executeTakeFirst();
  return row ? { messageId: row.message_id, references: row.references_ids ?? [] } : null;
}

/** Case numbers of case ids, for listings. */
export async function caseNumbersOf(db: Db, caseIds: string[]): Promise<Map<string, string>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'number'])
    .where('id', 'in', [...new Set(caseIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.number]));
}
