import type { FileStore } from '../../platform/files/file-store.js';
import { findUnfiled, markUnfiledForAttention } from './ingest.repo.js';
import type { ClaimedMessage } from './ingest-claim.js';
import {
  claimPrepared,
  commitPrepared,
  fileClaimed,
  type IngestDeps,
  type IngestOutcome,
  type IngestSource,
  type Intake,
} from './ingest-pipeline.js';
import { createParsePool, type Parse, type ParsePool } from './parse-pool.js';
import type { ParsedRaw } from './parse-raw.js';
import { readAll } from './review.service.js';

/** How long a batch waits for messages already received to finish parsing (see store). */
const GATHER_MS = 3;
/** How long filing waits for a fuller batch while intake is busy. */
const FILE_GATHER_MS = 50;
/** A message received this long ago and still not filed was left by a crash (or a stopped server). */
const RECOVER_AFTER_MS = 2 * 60_000;
const RECOVER_EVERY_MS = 60_000;
const RECOVER_BATCH = 500;

/** A received message recorded as durably stored and waiting to be filed (`accept`). */
export type Accepted = { status: 'accepted'; rawSha256: string; messageId: string | null; inboundId: string };

type Waiter<T> = { resolve: (value: T) => void; reject: (err: unknown) => void };

/**
 * Group commit for receivers with many concurrent deliveries (SMTP sessions, bulk import). Each
 * message is parsed as it arrives; whatever is parsed when the previous batch is done forms the
 * next one, and its files are written and fsynced beside its database work. Batches are recorded
 * strictly in arrival order (a reply right after the message it answers lands on the same case).
 *
 * With `acknowledge: 'stored'` (the SMTP listener) that happens in two stages side by side:
 * 1. Intake: once the batch's bytes are durable, one statement records its messages as received
 *    (dedupe included). The message is now durably stored: `accept` resolves (the SMTP 250).
 * 2. Filing: received messages are threaded onto their cases in batches that grow while intake
 *    runs ahead — many messages per transaction instead of the few that senders waiting for their
 *    250 have in flight. `ingest` resolves here.
 * A message received but not filed when the process died is filed by a recovery sweep of any
 * queue, on any server (every minute, messages received more than two minutes before); each
 * message is filed once (fileClaimed).
 *
 * With `acknowledge: 'filed'` (default) one transaction per batch does both.
 * `parse: inThreadParse(...)` parses on the event loop.
 */
export function createIngestQueue(
  deps: IngestDeps,
  options: {
    maxBatch?: number;
    parse?: Parse;
    /**
     * `stored` (SMTP): intake and filing in separate transactions, so `accept` resolves before
     * filing. `filed` (default: bulk import, tests): one transaction per batch records and files
     * its messages, the cheapest when nobody waits for an acknowledgement; `accept` then resolves
     * once the message is filed.
     */
    acknowledge?: 'stored' | 'filed';
    recoverAfterMs?: number;
  } = {},
) {
  const maxBatch = options.maxBatch ?? 100;
  const twoStages = options.acknowledge === 'stored';
  // Parsing runs in worker threads (parse-pool.ts) unless the caller brings its own parser.
  const pool = options.parse ? null : createParsePool(deps.trackingPrefix);
  const parse: Parse = options.parse ?? (pool as ParsePool).parse;
  type Slot = {
    parsed: ParsedRaw | null;
    failed: unknown;
    /** Settles when parsing is done (either way). */
    parsedOrFailed: Promise<unknown>;
    accepted: Waiter<IngestOutcome | Accepted> | null;
    filed: Waiter<IngestOutcome> | null;
  };
  type Unfiled = { item: ClaimedMessage; filed: Waiter<IngestOutcome> | null };
  const waiting: Slot[] = [];
  const unfiled: Unfiled[] = [];
  let storing: Promise<void> | null = null;
  let filing: Promise<void> | null = null;
  const ready = (s: Slot | undefined) => s !== undefined && (s.parsed !== null || s.failed !== null);

  const readyPrefix = () => {
    let n = 0;
    while (n < waiting.length && n < maxBatch && ready(waiting[n])) n++;
    return n;
  };
  const settle = (s: Slot, outcome: IngestOutcome) => {
    s.accepted?.resolve(outcome);
    s.filed?.resolve(outcome);
  };
  const fail = (s: Slot, err: unknown) => {
    s.accepted?.reject(err);
    s.filed?.reject(err);
  };

  async function store(): Promise<void> {
    while (ready(waiting[0])) {
      // Backpressure: intake runs ahead of filing by a few batches at most.
      while (unfiled.length >= 4 * maxBatch && filing) await filing;
      // Messages already received but still being parsed join this batch if they are done within
      // GATHER_MS: one commit for all of them rather than one for those parsed first and another for
      // the rest (with every SMTP sender waiting for its 250, that halves the commits per message).
      const parsed = readyPrefix();
      if (parsed < Math.min(waiting.length, maxBatch)) {
        const pending = waiting.slice(parsed, maxBatch).map((s) => s.parsedOrFailed);
        await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, GATHER_MS))]);
      }
      const taken = waiting.splice(0, readyPrefix());
      for (const s of taken) if (s.failed !== null) fail(s, s.failed);
      const batch = taken.filter((s): s is Slot & { parsed: ParsedRaw } => s.parsed !== null);
      try {
        const stored = deps.files.putMany(batch.flatMap((s) => s.parsed.contents));
        stored.catch(() => undefined); // awaited below; this only keeps it from going unhandled
        const messages = batch.map((s) => s.parsed.message);
        if (!twoStages) {
          const outcomes = await commitPrepared(deps, messages, stored);
          batch.forEach((s, i) => {
            settle(s, outcomes[i] as IngestOutcome);
          });
          continue;
        }
        const intake = await claimPrepared(deps, messages, stored);
        batch.forEach((s, i) => {
          const r = intake[i] as Intake;
          if ('outcome' in r) {
            settle(s, r.outcome);
            return;
          }
          unfiled.push({ item: r.claimed, filed: s.filed });
          const { rawSha256, messageId } = r.claimed.message;
          s.accepted?.resolve({ status: 'accepted', rawSha256, messageId, inboundId: r.claimed.inboundId });
        });
        kickFiling();
      } catch (err) {
        for (const s of batch) fail(s, err);
      }
    }
  }

  async function file(): Promise<void> {
    while (unfiled.length > 0) {
      // While messages keep arriving, a short wait fills the filing batch: fewer, larger
      // transactions for the same mail (nobody waits on it: receivers acknowledged at intake).
      if (unfiled.length < maxBatch && (storing || waiting.length > 0))
        await new Promise((r) => setTimeout(r, FILE_GATHER_MS));
      const taken = unfiled.splice(0, maxBatch);
      try {
        const outcomes = await fileClaimed(
          deps,
          taken.map((u) => u.item),
        );
        taken.forEach((u, i) => {
          u.filed?.resolve(outcomes[i] as IngestOutcome);
        });
      } catch (err) {
        // Still recorded as received: the recovery sweep files them once the database is back.
        for (const u of taken) u.filed?.reject(err);
      }
    }
  }

  const kickStore = () => {
    if (storing) return; // the running loop picks up whatever is ready when it loops
    storing = store().finally(() => {
      storing = null;
      if (ready(waiting[0])) kickStore();
    });
  };
  const kickFiling = () => {
    if (filing) return;
    filing = file().finally(() => {
      filing = null;
      if (unfiled.length > 0) kickFiling();
    });
  };

  /** Files messages left received but unfiled (by a crash), oldest first; returns how many it found. */
  async function recover(olderThanMs = options.recoverAfterMs ?? RECOVER_AFTER_MS): Promise<number> {
    const before = new Date(deps.clock.now().getTime() - olderThanMs);
    const rows = await findUnfiled(deps.db, before, RECOVER_BATCH);
    const done: Promise<unknown>[] = [];
    for (const row of rows) {
      const raw = await readStored(deps.files, row.rawSha256);
      if (!raw) {
        await markUnfiledForAttention(deps.db, row.id, 'the raw message is missing from the file store');
        continue;
      }
      const parsed = await parse(raw, row.source);
      done.push(
        new Promise<IngestOutcome>((resolve, reject) => {
          unfiled.push({ item: { message: parsed.message, inboundId: row.id }, filed: { resolve, reject } });
          kickFiling();
        }).catch(() => undefined),
      );
    }
    await Promise.all(done);
    return rows.length;
  }
  let recovering: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    recovering = recovering.then(() => recover()).catch(() => undefined); // retried at the next sweep
  };
  setImmediate(sweep);
  const timer = setInterval(sweep, RECOVER_EVERY_MS);
  timer.unref();

  async function drain(): Promise<void> {
    while (storing || filing || waiting.length > 0 || unfiled.length > 0) {
      if (storing) await storing;
      else if (filing) await filing;
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  const enqueue = (raw: Uint8Array, source: IngestSource, slot: Slot) => {
    waiting.push(slot);
    slot.parsedOrFailed = parse(raw, source).then(
      (parsed) => {
        slot.parsed = parsed;
        kickStore();
      },
      (err: unknown) => {
        slot.failed = err ?? new Error('reading the message failed');
        kickStore();
      },
    );
  };
  const slot = (): Slot => ({
    parsed: null,
    failed: null,
    parsedOrFailed: Promise.resolve(),
    accepted: null,
    filed: null,
  });

  return {
    /** Resolves once the message is filed (threaded, queued for review, or needing attention). */
    ingest(raw: Uint8Array, source: IngestSource): Promise<IngestOutcome> {
      return new Promise<IngestOutcome>((resolve, reject) => {
        const s = slot();
        s.filed = { resolve, reject };
        enqueue(raw, source, s);
      });
    },
    /**
     * Resolves once the message is durably stored (raw bytes fsynced, recorded as received) or found
     * to be a duplicate: what a receiver needs before it acknowledges. Filing follows in the queue.
     */
    accept(raw: Uint8Array, source: IngestSource): Promise<IngestOutcome | Accepted> {
      return new Promise<IngestOutcome | Accepted>((resolve, reject) => {
        const s = slot();
        s.accepted = { resolve, reject };
        enqueue(raw, source, s);
      });
    },
    /** Waits until everything queued so far is stored and filed. */
    drain,
    /** Files what a crash left unfiled (see above); `olderThanMs` 0 takes every unfiled message. */
    recover: (olderThanMs?: number) => {
      const run = recovering.then(() => recover(olderThanMs));
      recovering = run.catch(() => undefined);
      return run;
    },
    /** Drains, then stops the recovery sweep and the queue's parse workers. */
    async close(): Promise<void> {
      clearInterval(timer);
      await recovering;
      await drain();
      await pool?.close();
    },
  };
}

/** The bytes of a stored file, or null when the store does not have it. */
async function readStored(files: FileStore, sha256: string): Promise<Buffer | null> {
  return (await files.has(sha256)) ? readAll(files.open(sha256)) : null;
}

export type IngestQueue = ReturnType<typeof createIngestQueue>;
