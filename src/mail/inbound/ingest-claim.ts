import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.js';
import {
  type ClaimRow,
  claimMessagesUnlessSent,
  findPriorDeliveries,
  recordDuplicates,
} from './ingest.repo.js';
import type { BatchContext, IngestOutcome } from './ingest-batch.js';
import { normalAddress, type PreparedMessage } from './prepared-message.js';

/** A message recorded as received (its inbound_messages row), not filed onto a case yet. */
export type ClaimedMessage = { message: PreparedMessage; inboundId: string };

export type ClaimResult = {
  /** Per input message: its outcome when it is a duplicate, else null (claimed: see `claimed`). */
  outcomes: (IngestOutcome | null)[];
  /** The messages recorded by this claim (or re-filed), in arrival order. */
  claimed: { index: number; inboundId: string }[];
  /** Our own sent mail among the batch's Message-IDs, and its case. */
  onTimeline: Map<string, string>;
};

/**
 * The first half of a batch: dedupe (within the batch, against earlier deliveries, against our own
 * sent mail coming back) and the record of each new message as received. Once this commits, the
 * message is durably stored (its raw bytes are fsynced before the commit): filing it onto a case
 * (fileBatch) may follow in a later transaction, and does after a crash (the recovery sweep in
 * ingest-queue.ts).
 */
export async function claimBatch(
  trx: Kysely<DB>,
  messages: PreparedMessage[],
  ctx: Pick<BatchContext, 'now'>,
): Promise<ClaimResult> {
  const outcomes: (IngestOutcome | null)[] = messages.map(() => null);
  const duplicate = (m: PreparedMessage, caseNumber: string | null = null): IngestOutcome => ({
    status: 'duplicate',
    rawSha256: m.rawSha256,
    messageId: m.messageId,
    caseNumber,
  });

  // Dedupe within the batch, then against mail already on a timeline (our own sent mail coming back).
  const seen = new Set<string>();
  const fresh: number[] = [];
  const known: number[] = [];
  const candidates: number[] = [];
  messages.forEach((m, i) => {
    if (m.refile) {
      fresh.push(i);
      return;
    }
    const keys = [m.rawSha256, ...(m.messageKey ? [`key:${m.messageKey}`] : [])];
    if (keys.some((k) => seen.has(k))) {
      known.push(i);
      return;
    }
    for (const k of keys) seen.add(k);
    candidates.push(i);
  });

  const claimRow = (m: PreparedMessage): ClaimRow => ({
    rawSha256: m.rawSha256,
    rawSize: m.rawSize,
    messageId: m.messageId,
    messageKey: m.messageKey,
    source: m.source,
    subject: m.subject,
    fromAddress: normalAddress(m.from?.address),
    receivedAt: ctx.now,
  });
  // Claimed in the same statement that finds our own sent mail coming back (never claimed).
  const { claimed, sent: onTimeline } = await claimMessagesUnlessSent(
    trx,
    candidates.map((i) => claimRow(messages[i] as PreparedMessage)),
  );
  for (const i of candidates) {
    const id = (messages[i] as PreparedMessage).messageId;
    (id && onTimeline.has(id) ? known : fresh).push(i);
  }
  fresh.sort((x, y) => x - y); // arrival order: a reply after the message it answers
  for (const i of fresh) {
    const refile = (messages[i] as PreparedMessage).refile;
    if (refile) claimed.set((messages[i] as PreparedMessage).rawSha256, refile.inboundId);
  }
  const otherBytes: (ClaimRow & { duplicateOf: string })[] = [];
  const lost = [...known, ...fresh.filter((i) => !claimed.has((messages[i] as PreparedMessage).rawSha256))];
  if (lost.length > 0) {
    const prior = await findPriorDeliveries(
      trx,
      lost.map((i) => (messages[i] as PreparedMessage).rawSha256),
      lost.flatMap((i) => (messages[i] as PreparedMessage).messageKey ?? []),
    );
    for (const i of lost) {
      const m = messages[i] as PreparedMessage;
      const p = prior.find(
        (r) => r.rawSha256 === m.rawSha256 || (m.messageKey && r.messageKey === m.messageKey),
      );
      outcomes[i] = duplicate(m, p?.caseNumber ?? null);
      if (p && p.rawSha256 !== m.rawSha256) otherBytes.push({ ...claimRow(m), duplicateOf: p.id });
    }
  }
  await recordDuplicates(trx, otherBytes);
  return {
    outcomes,
    claimed: fresh.flatMap((index) => {
      const inboundId = claimed.get((messages[index] as PreparedMessage).rawSha256);
      return inboundId ? [{ index, inboundId }] : [];
    }),
    onTimeline,
  };
}
