import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { getCase, updateCase } from '../../cases/cases.repo.js';
import { type Activity, type Actor, insertTimelineEntries, listTimeline } from '../../cases/timeline.repo.js';
import type { Clock } from '../../platform/clock.js';
import type { Config } from '../../platform/config.js';
import type { DB } from '../../platform/db/db.js';
import type { AttachmentRef } from '../../platform/db/schema.js';
import { DomainError, invalid, notFound } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { loadOutboundSettings } from '../settings/effective-settings.js';
import { formatSubject, type SubjectLocale } from '../subject.js';
import { moveStatusIf, stampFirstResponse } from './case-effects.repo.js';
import {
  buildReferences,
  newMessageId,
  parseRecipients,
  safeFilename,
  withoutRepeats,
} from './message-headers.js';
import {
  findParentEmail,
  insertOutboxMessage,
  type OutboxContent,
  type OutboxMessage,
} from './outbox.repo.js';
import { NO_SMTP_REASON } from './smtp-outcome.js';

export type OutboundDeps = { db: Kysely<DB>; clock: Clock; config: Config; files: FileStore };

/** Largest total size of a reply's attachments (the API's JSON body carries them in base64). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
const MAX_RECIPIENTS = 100;

export type ReplyAttachment = { filename: string; contentType: string; content: Uint8Array };

export type CaseReplyInput = {
  to: string[];
  cc?: string[];
  bcc?: string[];
  text: string;
  html?: string | null;
  attachments?: ReplyAttachment[];
  /** Stage shown in the subject; becomes the case's stage. Default: the case's stage, else 初次响应 / 处理中. */
  stage?: string;
  /** Email activity this answers; default the case's latest inbound email. */
  replyToActivityId?: string;
};

/** A message to put in the outbox, already checked and with its headers decided. */
export type OutboundMailInput = Omit<OutboxContent, 'kind' | 'headers'> & {
  kind: 'case_reply' | 'notification';
  headers?: Record<string, string>;
};

/**
 * Puts a message in the durable outbox; pass a transaction as `deps.db` to make it part of a larger
 * write. A running server sends it (see OutboxSender). When this process has no SMTP server
 * configured, the message is labelled "not sent: no SMTP server configured" until one is.
 */
export async function enqueueOutboundMail(
  deps: Pick<OutboundDeps, 'db' | 'clock' | 'config'>,
  input: OutboundMailInput,
): Promise<OutboxMessage> {
  return insertOutboxMessage(deps.db, {
    ...input,
    headers: input.headers ?? {},
    heldReason: (await loadOutboundSettings(deps)).smtp ? null : NO_SMTP_REASON,
    now: deps.clock.now(),
  });
}

/**
 * Sends an internal notice (no case timeline), e.g. an SLA reminder, through the same outbox.
 * @example await enqueueNotificationMail(deps, { to: ['li.qi@vendor.com'], subject: 'SLA due', text: '…' });
 */
export async function enqueueNotificationMail(
  deps: Pick<OutboundDeps, 'db' | 'clock' | 'config'>,
  input: { to: string[]; subject: string; text: string },
): Promise<{ outboxId: string; messageId: string }> {
  const to = parseRecipients(input.to, 'to');
  if (to.length === 0) throw invalid('mail.no_recipients', 'A notification needs at least one recipient');
  const subject = input.subject.replace(/[\r\n]+/g, ' ').trim();
  if (subject === '') throw invalid('mail.no_subject', 'A notification needs a subject');
  const settings = await loadOutboundSettings(deps);
  const queued = await enqueueOutboundMail(deps, {
    kind: 'notification',
    caseId: null,
    activityId: null,
    messageId: newMessageId(randomUUID(), settings.messageIdDomain),
    fromName: settings.from.name ?? 'CaseDesk',
    to,
    cc: [],
    bcc: [],
    subject,
    text: input.text,
    html: null,
    inReplyTo: null,
    references: [],
    headers: { 'Auto-Submitted': 'auto-generated' },
    attachments: [],
  });
  return { outboxId: queued.id, messageId: queued.messageId };
}

const DEFAULT_STAGES: Record<SubjectLocale, { first: string; later: string }> = {
  'zh-CN': { first: '初次响应', later: '处理中' },
  en: { first: 'Initial response', later: 'In progress' },
};

/**
 * An engineer's reply from a case: the outbound email on the timeline (delivery: queued) and its
 * outbox row are written in one transaction. Subject per the convention with the case's current
 * fields; In-Reply-To/References point at the mail answered. The first reply with content stamps the
 * case's first response and moves a new case to in progress.
 */
export async function sendCaseReply(
  deps: OutboundDeps,
  actor: Actor,
  caseNumber: string,
  input: CaseReplyInput,
): Promise<Activity> {
  const recipients = withoutRepeats(
    parseRecipients(input.to, 'to'),
    parseRecipients(input.cc ?? [], 'cc'),
    parseRecipients(input.bcc ?? [], 'bcc'),
  );
  if (recipients.to.length === 0)
    throw invalid('mail.no_recipients', 'A reply needs at least one recipient in "to"');
  const count = recipients.to.length + recipients.cc.length + recipients.bcc.length;
  if (count > MAX_RECIPIENTS)
    throw invalid('mail.too_many_recipients', `At most ${MAX_RECIPIENTS} recipients (got ${count})`);
  const text = input.text.replace(/\r\n?/g, '\n');
  const html = input.html?.trim() ? input.html : null;
  const attachments = input.attachments ?? [];
  const hasContent = text.trim() !== '' || html !== null;
  if (!hasContent && attachments.length === 0)
    throw invalid('mail.empty_reply', 'A reply needs text, HTML or an attachment');
  const total = attachments.reduce((n, a) => n + a.content.byteLength, 0);
  if (total > MAX_ATTACHMENT_BYTES) {
    throw new DomainError(
      'mail.attachments_too_large',
      `Attachments total ${total} bytes; at most ${MAX_ATTACHMENT_BYTES} bytes per reply`,
      413,
    );
  }
  const stageInput = input.stage?.trim();
  if (stageInput?.includes('%')) throw invalid('mail.bad_stage', 'A stage cannot contain "%"');

  const current = await getCase(deps.db, caseNumber);
  const settings = await loadOutboundSettings(deps);
  // Content-addressed, so storing before the transaction leaves at most an unreferenced file on failure.
  const refs: AttachmentRef[] = [];
  for (const a of attachments) {
    const stored = await deps.files.putBytes(a.content);
    refs.push({
      filename: safeFilename(a.filename),
      contentType: contentType(a.contentType),
      size: stored.size,
      sha256: stored.sha256,
    });
  }
  const now = deps.clock.now();
  const stages = DEFAULT_STAGES[settings.locale];
  const stage = stageInput || current.stage || (current.firstResponseAt ? stages.later : stages.first);
  const subject = formatSubject(
    {
      caseNumber: current.number,
      priority: current.priority,
      account: current.account ?? '',
      title: current.title,
      stage,
      trackingToken: current.trackingToken,
    },
    { locale: settings.locale },
  );
  const activityId = await deps.db.transaction().execute(async (trx) => {
    const parent = await findParentEmail(trx, current.id, input.replyToActivityId);
    if (input.replyToActivityId && !parent) {
      throw notFound(
        'mail.reply_target_not_found',
        `No email ${input.replyToActivityId} on ${current.number}`,
      );
    }
    const messageId = newMessageId(randomUUID(), settings.messageIdDomain);
    const references = buildReferences(parent?.references ?? [], parent?.messageId ?? null);
    const inReplyTo = parent?.messageId ?? null;
    const [id] = await insertTimelineEntries(trx, [
      {
        caseId: current.id,
        type: 'email',
        actor,
        occurredAt: now,
        payload: { stage, bcc: recipients.bcc },
        email: {
          direction: 'outbound',
          from: { name: actor.name, address: settings.from.address },
          to: recipients.to,
          cc: recipients.cc,
          subject,
          text,
          html,
          sentAt: null,
          messageId,
          inReplyTo,
          references,
          attachments: refs,
        },
      },
    ]);
    // Listed like a received mail's files, so engineers can open what was sent from the timeline.
    if (refs.length > 0)
      await trx
        .insertInto('email_files')
        .values(
          refs.map((r, position) => ({
            activity_id: id as string,
            position,
            sha256: r.sha256,
            filename: r.filename,
            content_type: r.contentType,
            size: r.size,
            content_id: null,
            inline: false,
          })),
        )
        .execute();
    await enqueueOutboundMail(
      { db: trx, clock: deps.clock, config: deps.config },
      {
        kind: 'case_reply',
        caseId: current.id,
        activityId: id as string,
        messageId,
        fromName: actor.name,
        ...recipients,
        subject,
        text,
        html,
        inReplyTo,
        references,
        attachments: refs,
      },
    );
    await applyCaseEffects(trx, {
      caseId: current.id,
      actor,
      now,
      hasContent,
      stage,
      previousStage: current.stage,
    });
    return id as string;
  });
  const found = (await listTimeline(deps.db, current.id)).find((a) => a.id === activityId);
  if (!found) throw notFound('activity.not_found', 'Reply vanished');
  return found;
}

async function applyCaseEffects(
  trx: Kysely<DB>,
  e: { caseId: string; actor: Actor; now: Date; hasContent: boolean; stage: string; previousStage: string },
): Promise<void> {
  const stageChanged = e.stage !== e.previousStage;
  await updateCase(trx, e.caseId, { updatedAt: e.now, ...(stageChanged ? { stage: e.stage } : {}) });
  if (stageChanged) {
    await insertTimelineEntries(trx, [
      {
        caseId: e.caseId,
        type: 'system',
        actor: e.actor,
        occurredAt: e.now,
        payload: { event: 'updated', changes: { stage: { from: e.previousStage, to: e.stage } } },
      },
    ]);
  }
  if (e.actor.type !== 'engineer' || !e.hasContent) return;
  await stampFirstResponse(trx, e.caseId, e.now);
  if (await moveStatusIf(trx, e.caseId, 'new', 'in_progress', e.now)) {
    await insertTimelineEntries(trx, [
      {
        caseId: e.caseId,
        type: 'status_change',
        actor: e.actor,
        occurredAt: e.now,
        payload: { from: 'new', to: 'in_progress', note: 'first reply sent' },
      },
    ]);
  }
}

function contentType(value: string): string {
  const v = value.trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(v) ? v : 'application/octet-stream';
}
