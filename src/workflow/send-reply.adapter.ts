import type { Actor } from '../cases/timeline.repo.js';
import { sendCaseReply } from '../mail/outbound/send-reply.js';
import type { EmailAddress } from '../platform/db/schema.js';
import type { AppDeps } from '../platform/http/app-deps.js';

/** A reply the workflow wants mailed to the customer through the case's outbox. */
export type ReplyRequest = {
  to: EmailAddress[];
  cc?: EmailAddress[];
  text: string;
  /** Stage word for the subject line, e.g. 初次响应. */
  stage?: string;
};

/** Sends a reply on a case and returns the outbound email activity it recorded. */
export type ReplySender = (
  actor: Actor,
  caseNumber: string,
  reply: ReplyRequest,
) => Promise<{ activityId: string }>;

/** `"Name" <address>`, quoted so commas or `&` in a name cannot split it into two recipients. */
export function formatAddress(a: EmailAddress): string {
  const address = a.address ?? '';
  if (!a.name) return address;
  return `"${a.name.replace(/["\\]/g, (c) => `\\${c}`)}" <${address}>`;
}

/**
 * The one place the workflow meets outbound mail: the reply goes through `sendCaseReply`, which
 * records the outbound email on the timeline and queues it in the outbox in one transaction.
 */
export function replySenderFor(deps: AppDeps): ReplySender {
  return async (actor, caseNumber, reply) => {
    const activity = await sendCaseReply(deps, actor, caseNumber, {
      to: reply.to.map(formatAddress),
      ...(reply.cc?.length ? { cc: reply.cc.map(formatAddress) } : {}),
      text: reply.text,
      ...(reply.stage ? { stage: reply.stage } : {}),
    });
    return { activityId: activity.id };
  };
}
