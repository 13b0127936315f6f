import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/db/db.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { DEFAULT_REOPEN_WINDOW_MS } from '../threading/thread-decision.js';
import { claimMessagesUnlessSent } from './ingest.repo.js';
import { type IngestOutcome, writeBatch } from './ingest-batch.js';
import { finishMessages } from './ingest-writes.repo.js';
import { createParsePool, type Parse, type ParsePool } from './parse-pool.js';
import { type ParsedRaw, parseRaw } from './parse-raw.js';
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

async function inTransaction(
  deps: IngestDeps,
  messages: PreparedMessage[],
  stored: Promise<unknown>,
): Promise<IngestOutcome[]> {
  const ctx = {
    now: deps.clock.now(),
    trackingPrefix: deps.trackingPrefix,
    policy: { reopenWindowMs: deps.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS },
    ownAddresses: new Set((deps.ownAddresses ?? []).flatMap((a) => normalAddress(a) ?? [])),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction().execute(async (trx) => {
        const outcomes = await writeBatch(trx, messages, ctx);
        await stored; // commit only once the raw bytes and attachments are durable
        return outcomes;
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= 4 || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
    }
  }
}

async function recordFailure(deps: IngestDeps, m: PreparedMessage, err: unknown): Promise<IngestOutcome> {
  const reason = `could not be filed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2000);
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

/**
 * Group commit for receivers with many concurrent deliveries (SMTP sessions, bulk import): each
 * message is parsed as it arrives; whatever is parsed when the previous batch is done forms the
 * next batch. A batch's files are written and fsynced side by side while its transaction runs,
 * which commits only once they are durable; batches are recorded one after another in ARRIVAL
 * order (so a reply right after the message it answers lands on the same case). Each caller's
 * promise resolves after ITS batch committed. `parse: inThreadParse(...)` parses on the event loop.
 */
/** How long a batch waits for messages already received to finish parsing (see flush). */
const GATHER_MS = 3;

export function createIngestQueue(deps: IngestDeps, options: { maxBatch?: number; parse?: Parse } = {}) {
  const maxBatch = options.maxBatch ?? 100;
  // Parsing runs in worker threads (parse-pool.ts) unless the caller brings its own parser.
  const pool = options.parse ? null : createParsePool(deps.trackingPrefix);
  const parse: Parse = options.parse ?? (pool as ParsePool).parse;
  type Slot = {
    parsed: ParsedRaw | null;
    failed: unknown;
    /** Settles when parsing is done (either way). */
    parsedOrFailed: Promise<unknown>;
    resolve: (o: IngestOutcome) => void;
    reject: (e: unknown) => void;
  };
  const waiting: Slot[] = [];
  let flushing: Promise<void> | null = null;
  const ready = (s: Slot | undefined) => s !== undefined && (s.parsed !== null || s.failed !== null);

  const readyPrefix = () => {
    let n = 0;
    while (n < waiting.length && n < maxBatch && ready(waiting[n])) n++;
    return n;
  };

  async function flush(): Promise<void> {
    while (ready(waiting[0])) {
      // Messages already received but still being parsed join this batch if they are done within
      // GATHER_MS: one commit for all of them rather than one for those parsed first and another for
      // the rest (with every SMTP sender waiting for its 250, that halves the commits per message).
      const parsed = readyPrefix();
      if (parsed < Math.min(waiting.length, maxBatch)) {
        const pending = waiting.slice(parsed, maxBatch).map((s) => s.parsedOrFailed);
        await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, GATHER_MS))]);
      }
      const n = readyPrefix();
      const taken = waiting.splice(0, n);
      for (const s of taken) if (s.failed !== null) s.reject(s.failed);
      const batch = taken.filter((s): s is Slot & { parsed: ParsedRaw } => s.parsed !== null);
      try {
        const stored = deps.files.putMany(batch.flatMap((s) => s.parsed.contents));
        stored.catch(() => undefined); // awaited by commitPrepared; this only keeps it from going unhandled
        const outcomes = await commitPrepared(
          deps,
          batch.map((s) => s.parsed.message),
          stored,
        );
        batch.forEach((s, i) => {
          s.resolve(outcomes[i] as IngestOutcome);
        });
      } catch (err) {
        for (const s of batch) s.reject(err);
      }
    }
  }
  const kick = () => {
    if (flushing) return; // the running flush picks up whatever is ready when it loops
    flushing = flush().finally(() => {
      flushing = null;
      if (ready(waiting[0])) kick();
    });
  };

  async function drain(): Promise<void> {
    while (flushing || waiting.length > 0) {
      if (flushing) await flushing;
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  return {
    ingest(raw: Uint8Array, source: IngestSource): Promise<IngestOutcome> {
      return new Promise<IngestOutcome>((resolve, reject) => {
        const slot: Slot = { parsed: null, failed: null, parsedOrFailed: Promise.resolve(), resolve, reject };
        waiting.push(slot);
        slot.parsedOrFailed = parse(raw, source).then(
          (parsed) => {
            slot.parsed = parsed;
            kick();
          },
          (err: unknown) => {
            slot.failed = err ?? new Error('reading the message failed');
            kick();
          },
        );
      });
    },
    /** Waits until everything queued so far is written. */
    drain,
    /** Drains, then stops the queue's parse workers (they never keep the process alive anyway). */
    async close(): Promise<void> {
      await drain();
      await pool?.close();
    },
  };
}

export type IngestQueue = ReturnType<typeof createIngestQueue>;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
