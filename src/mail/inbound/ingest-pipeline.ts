import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/db/db.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { parseMessage } from '../parse/parse-message.js';
import { DEFAULT_REOPEN_WINDOW_MS } from '../threading/thread-decision.js';
import { claimMessages } from './ingest.repo.js';
import { type IngestOutcome, writeBatch } from './ingest-batch.js';
import { finishMessages } from './ingest-writes.repo.js';
import {
  type EmailFileRef,
  normalAddress,
  type PreparedMessage,
  prepareMessage,
} from './prepared-message.js';

export type { IngestOutcome } from './ingest-batch.js';

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
 * Stores the raw bytes in the file store (named by SHA-256) FIRST, then parses the message and
 * stores its attachments. Nothing here touches the database; see commitPrepared.
 */
export async function prepareRaw(
  deps: Pick<IngestDeps, 'files' | 'trackingPrefix'>,
  raw: Uint8Array,
  source: IngestSource,
): Promise<PreparedMessage> {
  const stored = await deps.files.putBytes(raw);
  const parsed = await parseMessage(raw);
  const files: EmailFileRef[] = [];
  if (parsed.ok) {
    for (const a of parsed.message.attachments) {
      const f = await deps.files.putBytes(a.content);
      files.push({
        filename: a.filename,
        contentType: a.contentType,
        size: f.size,
        sha256: f.sha256,
        contentId: a.contentId,
        inline: a.inline,
      });
    }
  }
  return prepareMessage(
    parsed,
    { sha256: stored.sha256, size: stored.size, source },
    files,
    deps.trackingPrefix,
  );
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/**
 * Records prepared messages in one transaction and returns what became of each, in order. If the
 * batch fails, each message is retried on its own; a message that still fails is recorded as
 * needing attention (its raw bytes are already stored), so nothing is ever dropped. Throws only if
 * even that cannot be written — then the caller must not acknowledge the message.
 */
export async function commitPrepared(
  deps: IngestDeps,
  messages: PreparedMessage[],
): Promise<IngestOutcome[]> {
  if (messages.length === 0) return [];
  try {
    return await inTransaction(deps, messages);
  } catch (err) {
    if (messages.length === 1) return [await recordFailure(deps, messages[0] as PreparedMessage, err)];
    const out: IngestOutcome[] = [];
    for (const m of messages) {
      try {
        out.push(...(await inTransaction(deps, [m])));
      } catch (single) {
        out.push(await recordFailure(deps, m, single));
      }
    }
    return out;
  }
}

async function inTransaction(deps: IngestDeps, messages: PreparedMessage[]): Promise<IngestOutcome[]> {
  const ctx = {
    now: deps.clock.now(),
    trackingPrefix: deps.trackingPrefix,
    policy: { reopenWindowMs: deps.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS },
    ownAddresses: new Set((deps.ownAddresses ?? []).flatMap((a) => normalAddress(a) ?? [])),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction().execute((trx) => writeBatch(trx, messages, ctx));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= 4 || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
    }
  }
}

async function recordFailure(deps: IngestDeps, m: PreparedMessage, err: unknown): Promise<IngestOutcome> {
  const reason = `could not be filed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2000);
  return deps.db.transaction().execute(async (trx) => {
    const claimed = await claimMessages(trx, [
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
 * message is prepared (stored raw, parsed) as it arrives; whatever is ready when the previous
 * transaction ends is written in the next one, in ARRIVAL order (so a reply imported right after
 * the message it answers lands on the same case). Each caller's promise resolves after ITS
 * transaction committed.
 */
export function createIngestQueue(deps: IngestDeps, options: { maxBatch?: number } = {}) {
  const maxBatch = options.maxBatch ?? 100;
  type Slot = {
    message: PreparedMessage | null;
    failed: unknown;
    resolve: (o: IngestOutcome) => void;
    reject: (e: unknown) => void;
  };
  const waiting: Slot[] = [];
  let flushing: Promise<void> | null = null;
  const ready = (s: Slot | undefined) => s !== undefined && (s.message !== null || s.failed !== null);

  async function flush(): Promise<void> {
    while (ready(waiting[0])) {
      let n = 0;
      while (n < waiting.length && n < maxBatch && ready(waiting[n])) n++;
      const batch = waiting.splice(0, n);
      for (const s of batch) if (s.failed !== null) s.reject(s.failed);
      const good = batch.filter((s): s is Slot & { message: PreparedMessage } => s.message !== null);
      try {
        const outcomes = await commitPrepared(
          deps,
          good.map((s) => s.message),
        );
        good.forEach((s, i) => {
          s.resolve(outcomes[i] as IngestOutcome);
        });
      } catch (err) {
        for (const s of good) s.reject(err);
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

  return {
    ingest(raw: Uint8Array, source: IngestSource): Promise<IngestOutcome> {
      return new Promise<IngestOutcome>((resolve, reject) => {
        const slot: Slot = { message: null, failed: null, resolve, reject };
        waiting.push(slot);
        prepareRaw(deps, raw, source).then(
          (m) => {
            slot.message = m;
            kick();
          },
          (err: unknown) => {
            slot.failed = err ?? new Error('preparing the message failed');
            kick();
          },
        );
      });
    },
    /** Waits until everything queued so far is written. */
    async drain(): Promise<void> {
      while (flushing || waiting.length > 0) {
        if (flushing) await flushing;
        else await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

export type IngestQueue = ReturnType<typeof createIngestQueue>;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
