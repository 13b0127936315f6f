import { addParticipant, updateCase } from '../cases/cases.repo.js';
import { type Actor, insertTimelineEntries, type NewTimelineEntry } from '../cases/timeline.repo.js';
import { moveStatusIf } from '../mail/outbound/case-effects.repo.js';
import { caseEffects } from '../mail/threading/thread-decision.js';
import { notify } from '../notifications/notifications.repo.js';
import { DomainError, invalid } from '../platform/errors.js';
import type { PortalContact, PortalDeps } from './portal-auth.service.js';
import type { PortalCaseRow } from './portal-cases.repo.js';

export const MAX_PORTAL_MESSAGE_CHARS = 20_000;
const SYSTEM: Actor = { type: 'system', id: null, name: 'CaseDesk' };

/**
 * A customer's message written in the portal. It lands on the timeline as an inbound email from
 * the contact (marked `source: portal`), and does to the case what a customer's mail reply does
 * (the same `caseEffects` rule as inbound mail): a case waiting for the customer or resolved goes
 * back in progress, and the owner is notified. A closed case takes no portal message: the customer
 * is asked to reply by mail, which reopens it or opens a follow-up by the usual rules.
 */
export async function recordPortalMessage(
  deps: PortalDeps,
  contact: PortalContact,
  kase: PortalCaseRow,
  rawText: string,
): Promise<{ activityId: string; status: string }> {
  const text = rawText.replace(/\r\n?/g, '\n').trim();
  if (text === '') throw invalid('portal.empty_message', 'Write a message first');
  if (text.length > MAX_PORTAL_MESSAGE_CHARS) {
    throw invalid(
      'portal.message_too_long',
      `A message holds at most ${MAX_PORTAL_MESSAGE_CHARS} characters`,
    );
  }
  if (kase.status === 'closed') {
    throw new DomainError(
      'portal.case_closed',
      'This case is closed. Reply to the closure mail to reopen it, or contact support.',
      409,
    );
  }
  const now = deps.clock.now();
  const effects = caseEffects({
    status: kase.status,
    reopen: false,
    senderIsEngineer: false,
    isAutoReply: false,
  });
  const actor: Actor = { type: 'contact', id: contact.id, name: contact.name };
  return deps.db.transaction().execute(async (trx) => {
    const entries: NewTimelineEntry[] = [
      {
        caseId: kase.id,
        type: 'email',
        actor,
        occurredAt: now,
        payload: { source: 'portal' },
        email: {
          direction: 'inbound',
          from: { name: contact.name, address: contact.email },
          to: [],
          cc: [],
          subject: `[${kase.number}] ${kase.title}`,
          text,
          html: null,
          sentAt: now,
          messageId: null,
          inReplyTo: null,
          references: [],
          attachments: [],
        },
      },
    ];
    let status: string = kase.status;
    if (effects.status && effects.status !== kase.status) {
      if (await moveStatusIf(trx, kase.id, kase.status, effects.status, now)) {
        status = effects.status;
        entries.push({
          caseId: kase.id,
          type: 'status_change',
          actor: SYSTEM,
          occurredAt: now,
          payload: { from: kase.status, to: effects.status, note: `${contact.name} replied in the portal` },
        });
      }
    }
    const [activityId] = await insertTimelineEntries(trx, entries);
    await updateCase(trx, kase.id, { updatedAt: now });
    await addParticipant(trx, kase.id, contact.id, 'customer');
    const ownerId = await ownerOf(trx, kase.id);
    if (effects.notifyOwner && ownerId) {
      await notify(trx, {
        engineerId: ownerId,
        caseId: kase.id,
        kind: 'portal.customer_reply',
        message: `${contact.name} replied on ${kase.number} in the portal${status !== kase.status ? ` (now ${status.replace(/_/g, ' ')})` : ''}`,
        dedupeKey: `portal:${activityId}`,
      });
    }
    return { activityId: activityId as string, status };
  });
}

async function ownerOf(db: PortalDeps['db'], caseId: string): Promise<string | null> {
  const row = await db.selectFrom('cases').select('owner_id').where('id', '=', caseId).executeTakeFirst();
  return row?.owner_id ?? null;
}
