import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.js';
import type { OutboxState } from './outbound.tables.js';
import { caseNumbersOf, deliveryOf, listOutbox, type OutboxMessage, requeueMessage } from './outbox.repo.js';
import type { DeliveryStatus } from './smtp-outcome.js';

/** An outbox entry as admins see it (API and CLI). */
export type OutboxEntry = {
  id: string;
  kind: OutboxMessage['kind'];
  caseNumber: string | null;
  messageId: string;
  subject: string;
  to: string[];
  cc: string[];
  bcc: string[];
  state: OutboxState;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
  delivery: DeliveryStatus;
};

export async function listOutboxEntries(
  db: Kysely<DB>,
  filter: { states?: OutboxState[]; limit: number },
): Promise<OutboxEntry[]> {
  const rows = await listOutbox(db, filter);
  const numbers = await caseNumbersOf(
    db,
    rows.flatMap((r) => (r.caseId ? [r.caseId] : [])),
  );
  return rows.map((r) => toEntry(r, r.caseId ? (numbers.get(r.caseId) ?? null) : null));
}

export function toEntry(r: OutboxMessage, caseNumber: string | null): OutboxEntry {
  const addresses = (list: OutboxMessage['to']) => list.flatMap((a) => (a.address ? [a.address] : []));
  return {
    id: r.id,
    kind: r.kind,
    caseNumber,
    messageId: r.messageId,
    subject: r.subject,
    to: addresses(r.to),
    cc: addresses(r.cc),
    bcc: addresses(r.bcc),
    state: r.state,
    attempts: r.attempts,
    createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt ? r.sentAt.toISOString() : null,
    delivery: deliveryOf(r),
  };
}

/** Puts a failed or uncertain message back in the queue (same Message-ID), as an admin decided. */
export async function retryOutboxEntry(db: Kysely<DB>, id: string, now: Date): Promise<OutboxEntry> {
  const message = await requeueMessage(db, id, now);
  const numbers = await caseNumbersOf(db, message.caseId ? [message.caseId] : []);
  return toEntry(message, message.caseId ? (numbers.get(message.caseId) ?? null) : null);
}
