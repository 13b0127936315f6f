import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/db/db.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { DEFAULT_REOPEN_WINDOW_MS } from '../threading/thread-decision.js';
import { claimMessagesUnlessSent, lockUnfiled, markUnfiledForAttention } from './ingest.repo.js';
import { type BatchContext, fileBatch, type IngestOutcome, writeBatch } from './ingest-batch.js';
import { type ClaimedMessage, claimBatch } from './ingest-claim.js';
import { finishMessages } from './ingest-writes.repo.js';
import { parseRaw } from './parse-raw.js';
import { normalAddress, type PreparedMessage } from './prepared-message.js';

export type { IngestOutcome } from './ingest-batch.js';
export type { ParsedRaw } from './parse-raw.js';

/** What the inbound pipeline needs; passed in by the composition root or a test. */
export type IngestDeps = {
  db: Kysely<DB>;
  files: FileStore;
  clock: Clock;
  trackingPrefix: string;
  /** A reply this long after a case was closed reopens it; later ones open a linked case (default 14 days). */
  reopenWindowMs?: number;
  /** CaseDesk's own mailbox addresses (never made participants of a case). */
  ownAddresses?: readonly string[];
};

/**
 * Where a message came from, recorded with it: `smtp`, `imap:<mailbox>`, `import:<file>`.
 */
export type IngestSource = string;

/**
 * Stores the raw bytes in the file store (named by SHA-256) and the attachments, all fsynced,
 * before the message is handed to commitPrepared. Nothing here touches the database.
 */
export async function prepareRaw(
  deps: Pick<IngestDeps, 'files' | 'trackingPrefix'>,
  raw: Uint8Array,
  source: IngestSource,
): Promise<PreparedMessage> {
  const parsed = await parseRaw(raw, source, deps.trackingPrefix);
  await deps.files.putMany(parsed.contents);
  return parsed.message;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/**
 * Records prepared messages in one transaction and returns what became of each, in order. If the
 * batch fails, each message is retried on its own; a message that still fails is recorded as
 * needing attention (its raw bytes are already stored), so nothing is ever dropped. Throws only if
 * even that cannot be written — then the caller must not acknowledge the message.
 *
 * `stored` is the file store's write of these messages' bytes when it runs beside the transaction:
 * the transaction commits only after it succeeded, and nothing is recorded if it failed.
 */
export async function commitPrepared(
  deps: IngestDeps,
  messages: PreparedMessage[],
  stored: Promise<unknown> = Promise.resolve(),
): Promise<IngestOutcome[]> {
  if (messages.length === 0) {
    await stored;
    return [];
  }
  try {
    return await inTransaction(deps, messages, stored);
  } catch (err) {
    await stored; // the bytes are not durable: fail the whole batch, record nothing
    if (messages.length === 1) return [await recordFailure(deps, messages[0] as PreparedMessage, err)];
    const out: IngestOutcome[] = [];
    for (const m of messages) {
      try {
        out.push(...(await inTransaction(deps, [m], stored)));
      } catch (single) {
        out.push(await recordFailure(deps, m, single));
      }
    }
    return out;
  }
}

function batchContext(deps: IngestDeps): BatchContext {
  return {
    now: deps.clock.now(),
    trackingPrefix: deps.trackingPrefix,
    policy: { reopenWindowMs: deps.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS },
    ownAddresses: new Set((deps.ownAddresses ?? []).flatMap((a) => normalAddress(a) ?? [])),
  };
}

/** Runs `work` again after a serialization failure or deadlock (up to four times in all). */
async function retryingConflicts<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= 4 || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
    }
  }
}

/** Runs `work` in a transaction that commits only once `stored` settled well. */
const withRetries = <T>(
  deps: IngestDeps,
  stored: Promise<unknown>,
  work: (trx: Kysely<DB>, ctx: BatchContext) => Promise<T>,
): Promise<T> =>
  retryingConflicts(() =>
    deps.db.transaction().execute(async (trx) => {
      const out = await work(trx, batchContext(deps));
      await stored; // commit only once the raw bytes and attachments are durable
      return out;
    }),
  );

const inTransaction = (deps: IngestDeps, messages: PreparedMessage[], stored: Promise<unknown>) =>
  withRetries(deps, stored, (trx, ctx) => writeBatch(trx, messages, ctx));

/** What intake made of a message: a final outcome (duplicate, unreadable…) or its received record. */
export type Intake = { outcome: IngestOutcome } | { claimed: ClaimedMessage };

/**
 * Records prepared messages as received, once their bytes are durable (`stored`), in one statement
 * that commits on its own: from then on they are durably stored and may be acknowledged; filing them
 * onto cases is fileClaimed's work. A batch that fails is retried message by message, and a message
 * that still fails is recorded as needing attention, as in commitPrepared.
 */
export async function claimPrepared(
  deps: IngestDeps,
  messages: PreparedMessage[],
  stored: Promise<unknown> = Promise.resolve(),
): Promise<Intake[]> {
  // No transaction: once the bytes are durable, the claim is one statement that commits on its own
  // (and, only when there are duplicates, their trace): two round trips fewer per intake batch.
  const claim = async (batch: PreparedMessage[]) => {
    await stored;
    const intake = await retryingConflicts(() => claimBatch(deps.db, batch, batchContext(deps)));
    const out: Intake[] = intake.outcomes.map((o) => ({ outcome: o as IngestOutcome }));
    for (const c of intake.claimed)
      out[c.index] = { claimed: { message: batch[c.index] as PreparedMessage, inboundId: c.inboundId } };
    return out;
  };
  if (messages.length === 0) {
    await stored;
    return [];
  }
  try {
    return await claim(messages);
  } catch (err) {
    await stored; // the bytes are not durable: fail the whole batch, record nothing
    const out: Intake[] = [];
    for (const m of messages) {
      try {
        out.push(...(await claim([m])));
      } catch (single) {
        out.push({ outcome: await recordFailure(deps, m, messages.length === 1 ? err : single) });
      }
    }
    return out;
  }
}

/**
 * Files messages recorded as received onto their cases, in order; each is filed once, however many
 * servers try (lockUnfiled). A batch that fails is retried message by message; a message that still
 * fails is marked as needing attention. Throws only when even that cannot be written: the messages
 * then stay received and unfiled, and a recovery sweep files them later.
 */
export async function fileClaimed(deps: IngestDeps, items: ClaimedMessage[]): Promise<IngestOutcome[]> {
  const file = (batch: ClaimedMessage[]) =>
    withRetries(deps, Promise.resolve(), async (trx, ctx) => {
      const unfiled = await lockUnfiled(
        trx,
        batch.map((c) => c.inboundId),
      );
      const mine = batch.filter((c) => unfiled.has(c.inboundId));
      const filed = await fileBatch(trx, mine, ctx);
      const outcomeOf = new Map(mine.map((c, i) => [c, filed[i] as IngestOutcome]));
      return batch.map(
        (c): IngestOutcome =>
          outcomeOf.get(c) ?? {
            status: 'duplicate',
            rawSha256: c.message.rawSha256,
            messageId: c.message.messageId,
            caseNumber: null,
          },
      );
    });
  if (items.length === 0) return [];
  try {
    return await file(items);
  } catch (err) {
    const out: IngestOutcome[] = [];
    for (const c of items) {
      try {
        out.push(...(await file([c])));
      } catch (single) {
        const reason = failureReason(items.length === 1 ? err : single);
        const { rawSha256, messageId } = c.message;
        out.push(
          (await markUnfiledForAttention(deps.db, c.inboundId, reason))
            ? { status: 'needs_attention', rawSha256, messageId, reason }
            : { status: 'duplicate', rawSha256, messageId, caseNumber: null },
        );
      }
    }
    return out;
  }
}

const failureReason = (err: unknown) =>
  `could not be filed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2000);

async function recordFailure(deps: IngestDeps, m: PreparedMessage, err: unknown): Promise<IngestOutcome> {
  const reason = failureReason(err);
  return deps.db.transaction().execute(async (trx) => {
    const { claimed } = await claimMessagesUnlessSent(trx, [
      {
        rawSha256: m.rawSha256,
        rawSize: m.rawSize,
        messageId: null,
        messageKey: null,
        source: m.source,
        subject: m.subject,
        fromAddress: normalAddress(m.from?.address),
        receivedAt: deps.clock.now(),
      },
    ]);
    const id = claimed.get(m.rawSha256);
    if (!id) return { status: 'duplicate', rawSha256: m.rawSha256, messageId: m.messageId, caseNumber: null };
    await finishMessages(trx, [
      { id, status: 'needs_attention', via: null, caseId: null, activityId: null, reason, namedCaseId: null },
    ]);
    return { status: 'needs_attention', rawSha256: m.rawSha256, messageId: m.messageId, reason };
  });
}

/**
 * The inbound pipeline for one message: raw bytes into the file store first, then parse, dedupe,
 * thread and record in one transaction. When it returns, the message is durably stored (or was
 * already): only then may a receiver acknowledge it (SMTP 250, IMAP flag).
 */
export async function ingestRawMessage(
  deps: IngestDeps,
  raw: Uint8Array,
  source: IngestSource,
): Promise<IngestOutcome> {
  const prepared = await prepareRaw(deps, raw, source);
  const [outcome] = await commitPrepared(deps, [prepared]);
  return outcome as IngestOutcome;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
