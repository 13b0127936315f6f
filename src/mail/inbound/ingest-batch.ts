import type { Kysely } from 'kysely';
import { type Actor, insertTimelineEntries, type NewTimelineEntry } from '../../cases/timeline.repo.js';
import type { DB } from '../../platform/db/db.js';
import { linkCases } from '../../workflow/case-links.repo.js';
import type { ThreadingPolicy } from '../threading/thread-decision.js';
import type { ThreadVia } from './inbound.tables.js';
import { ensureContacts, lookUpBatch } from './ingest.repo.js';
import { type ClaimedMessage, claimBatch } from './ingest-claim.js';
import { type Lookups, type PlannedActor, planBatch } from './ingest-plan.js';
import {
  addParticipants,
  type FinishRow,
  finishBatch,
  type InboundEmailRow,
  insertInboundEmails,
  insertNewCases,
  type OwnerNotice,
} from './ingest-writes.repo.js';
import { domainCandidates, domainOf, normalAddress, type PreparedMessage } from './prepared-message.js';

/** What became of one message. Every outcome but `duplicate` means the message is now recorded. */
export type IngestOutcome =
  | { status: 'duplicate'; rawSha256: string; messageId: string | null; caseNumber: string | null }
  | {
      status: 'threaded';
      rawSha256: string;
      messageId: string | null;
      caseNumber: string;
      via: ThreadVia | 'manual';
      newCase: boolean;
      activityId: string;
    }
  | { status: 'review'; rawSha256: string; messageId: string | null; namedCase: string; reason: string }
  | { status: 'needs_attention'; rawSha256: string; messageId: string | null; reason: string };

export type BatchContext = {
  now: Date;
  trackingPrefix: string;
  policy: ThreadingPolicy;
  ownAddresses: ReadonlySet<string>;
};

const SYSTEM: Actor = { type: 'system', id: null, name: 'CaseDesk' };

/**
 * Records a batch of prepared messages inside one transaction (`trx`): dedupe, threading, timeline,
 * files, participants, status effects, notifications. Results are in input order.
 */
export async function writeBatch(
  trx: Kysely<DB>,
  messages: PreparedMessage[],
  ctx: BatchContext,
): Promise<IngestOutcome[]> {
  const intake = await claimBatch(trx, messages, ctx);
  const filed = await fileBatch(
    trx,
    intake.claimed.map((c) => ({ message: messages[c.index] as PreparedMessage, inboundId: c.inboundId })),
    ctx,
    intake.onTimeline,
  );
  intake.claimed.forEach((c, k) => {
    intake.outcomes[c.index] = filed[k] as IngestOutcome;
  });
  return intake.outcomes as IngestOutcome[];
}

/**
 * The second half of a batch: threads claimed messages onto their cases (or the review queue, or
 * "needs attention") and writes the timeline, participants, status effects and notifications.
 * Results are in the order of `items`.
 */
export async function fileBatch(
  trx: Kysely<DB>,
  items: ClaimedMessage[],
  ctx: BatchContext,
  onTimeline: Map<string, string> = new Map(),
): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  if (items.length === 0) return outcomes;
  const batch = items.map((c) => c.message);
  const lookups = await lookUp(trx, batch, onTimeline);
  const plan = planBatch(batch, lookups, ctx);

  const contacts = new Map(lookups.contacts);
  for (const [email, row] of await ensureContacts(
    trx,
    [...plan.contacts].map(([email, c]) => ({ email, name: c.name, accountId: c.accountId })),
  ))
    contacts.set(email, row);
  const numbers = await insertNewCases(trx, plan.newCases, ctx.trackingPrefix);
  const numberOf = (caseId: string) => numbers.get(caseId)?.number ?? lookups.cases.get(caseId)?.number ?? '';
  await addParticipants(
    trx,
    plan.participants.flatMap((p) => {
      const contact = contacts.get(p.address);
      return contact ? [{ caseId: p.caseId, contactId: contact.id, role: p.role }] : [];
    }),
  );
  const actorOf = (a: PlannedActor): Actor =>
    a.kind === 'engineer'
      ? { type: 'engineer', id: a.id, name: a.name }
      : { type: 'contact', id: contacts.get(a.address)?.id ?? null, name: a.name };

  // Timeline: per email, its case's creation or link notes, the email, then any status change.
  const entries: NewTimelineEntry[] = [];
  const emailEntry: number[] = [];
  for (const e of plan.emails) {
    const m = batch[e.index] as PreparedMessage;
    const mail = m.mail;
    if (!mail) continue;
    const actor = actorOf(e.actor);
    if (e.newCase) {
      const link = plan.links.find((l) => l.newCaseId === e.caseId);
      entries.push({
        caseId: e.caseId,
        type: 'system',
        actor: SYSTEM,
        occurredAt: e.occurredAt,
        payload: { event: 'created', source: 'email', from: actor.name, followUpOf: link?.oldNumber ?? null },
      });
      if (link) {
        entries.push({
          caseId: link.oldCaseId,
          type: 'system',
          actor: SYSTEM,
          occurredAt: e.occurredAt,
          payload: {
            event: 'follow_up_opened',
            followUp: numberOf(link.newCaseId),
            note: `A reply after this case was closed opened ${numberOf(link.newCaseId)}`,
          },
        });
      }
    }
    emailEntry.push(entries.length);
    entries.push({
      caseId: e.caseId,
      type: 'email',
      actor,
      occurredAt: e.occurredAt,
      email: {
        direction: 'inbound',
        from: { name: mail.from?.name || null, address: normalAddress(mail.from?.address) },
        to: mail.to.map((a) => ({ name: a.name || null, address: a.address || null })),
        cc: mail.cc.map((a) => ({ name: a.name || null, address: a.address || null })),
        subject: mail.subject,
        text: mail.text,
        // Raw HTML stays out of the shared timeline; it is served sanitized only (see inbound.routes.ts).
        html: null,
        sentAt: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
        messageId: m.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        attachments: m.files
          .filter((f) => !f.inline)
          .map((f) => ({ filename: f.filename, contentType: f.contentType, size: f.size, sha256: f.sha256 })),
      },
    });
    if (e.statusChange) {
      entries.push({
        caseId: e.caseId,
        type: 'status_change',
        actor: SYSTEM,
        occurredAt: e.occurredAt,
        payload: {
          from: e.statusChange.from,
          to: e.statusChange.to,
          note: e.statusChange.reopen ? `Reopened by a reply from ${actor.name}` : `${actor.name} replied`,
        },
      });
    }
  }
  const ids = await insertTimelineEntries(trx, entries);
  const activityOf = new Map<number, string>();
  plan.emails.forEach((e, k) => {
    activityOf.set(e.index, ids[emailEntry[k] as number] as string);
  });

  await insertInboundEmails(
    trx,
    plan.emails.map((e): InboundEmailRow => {
      const m = batch[e.index] as PreparedMessage;
      return {
        activityId: activityOf.get(e.index) as string,
        inboundMessageId: (items[e.index] as ClaimedMessage).inboundId,
        rawSha256: m.rawSha256,
        html: m.mail?.html ?? null,
        threadRoot: m.threadRoot,
        isAutoReply: m.mail?.isAutoReply ?? false,
        warnings: m.mail?.warnings ?? [],
        files: m.files,
      };
    }),
  );
  // The workflow's case relations: the closed case is followed up by the new one.
  for (const l of plan.links) await linkCases(trx, { from: l.oldCaseId, to: l.newCaseId, kind: 'follow_up' });
  const notices: OwnerNotice[] = [];
  for (const e of plan.emails) {
    if (!e.notifyOwnerId) continue;
    const m = batch[e.index] as PreparedMessage;
    const name = actorOf(e.actor).name;
    const number = numberOf(e.caseId);
    notices.push({
      engineerId: e.notifyOwnerId,
      caseId: e.caseId,
      kind: e.via === 'follow_up' ? 'mail.follow_up_case' : 'mail.customer_reply',
      message:
        e.via === 'follow_up'
          ? `${name} wrote about a closed case; follow-up ${number} was opened: ${m.subject}`
          : `${name} replied on ${number}${e.statusChange ? ` (now ${e.statusChange.to.replace(/_/g, ' ')})` : ''}: ${m.subject}`,
      dedupeKey: `mail:${activityOf.get(e.index)}`,
    });
  }

  const finish: FinishRow[] = [];
  const idOf = (index: number) => (items[index] as ClaimedMessage).inboundId;
  for (const e of plan.emails) {
    const m = batch[e.index] as PreparedMessage;
    const activityId = activityOf.get(e.index) as string;
    finish.push({
      id: idOf(e.index),
      status: 'threaded',
      via: e.via,
      caseId: e.caseId,
      activityId,
      reason: null,
      namedCaseId: null,
    });
    outcomes[e.index] = {
      status: 'threaded',
      rawSha256: m.rawSha256,
      messageId: m.messageId,
      caseNumber: numberOf(e.caseId),
      via: e.via,
      newCase: e.newCase,
      activityId,
    };
  }
  for (const r of plan.reviews) {
    const m = batch[r.index] as PreparedMessage;
    finish.push({
      id: idOf(r.index),
      status: 'review',
      via: r.via,
      caseId: null,
      activityId: null,
      reason: r.reason,
      namedCaseId: r.namedCaseId,
    });
    outcomes[r.index] = {
      status: 'review',
      rawSha256: m.rawSha256,
      messageId: m.messageId,
      namedCase: numberOf(r.namedCaseId),
      reason: r.reason,
    };
  }
  for (const a of plan.attention) {
    const m = batch[a.index] as PreparedMessage;
    finish.push({
      id: idOf(a.index),
      status: 'needs_attention',
      via: null,
      caseId: null,
      activityId: null,
      reason: a.reason,
      namedCaseId: null,
    });
    outcomes[a.index] = {
      status: 'needs_attention',
      rawSha256: m.rawSha256,
      messageId: m.messageId,
      reason: a.reason,
    };
  }
  await finishBatch(trx, {
    touched: [...plan.touched].map(([id, t]) => ({ id, updatedAt: t.updatedAt, status: t.status })),
    notices,
    finish,
  });
  return outcomes;
}

async function lookUp(
  trx: Kysely<DB>,
  batch: PreparedMessage[],
  onTimeline: Map<string, string>,
): Promise<Lookups> {
  const people = new Set<string>();
  for (const m of batch) {
    for (const a of [m.from, ...(m.mail?.to ?? []), ...(m.mail?.cc ?? [])]) {
      const address = normalAddress(a?.address);
      if (address) people.add(address);
    }
  }
  const addresses = [...people];
  const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  const facts = await lookUpBatch(trx, {
    refs: unique(batch.flatMap((m) => m.referenceIds)).filter((id) => !onTimeline.has(id)),
    tokens: unique(batch.map((m) => m.trackingToken)),
    numbers: unique(batch.map((m) => m.caseTag)),
    threadRoots: unique(batch.map((m) => m.threadRoot)),
    addresses,
    domains: unique(addresses.flatMap((a) => domainCandidates(domainOf(a)))),
    knownCaseIds: unique([...onTimeline.values()]),
  });
  const caseIdByMessageId = new Map(onTimeline);
  for (const [id, caseId] of facts.caseIdByMessageId) caseIdByMessageId.set(id, caseId);
  return { ...facts, caseIdByMessageId };
}
