import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import type { CalendarWarning } from './calendar.types.js';
import { loadCalendarSet } from './calendars.service.js';
import { tryScanLock } from './case-sla.repo.js';
import { type EvaluationContext, evaluateOne } from './case-sla.service.js';
import { loadPolicySet } from './policies.service.js';
import { ChunkWrites, storeChunk } from './sla-chunk-writes.js';
import { loadScanChunk, parseLine, type ScanCase } from './sla-chunks.repo.js';
import type { SlaMailSender } from './sla-notices.js';
import { slaWarnings } from './sla-state.js';
import { type CaseTimeline, emptyTimeline, fromDigest, loadTimelines } from './sla-timelines.repo.js';

export { BREACH_NOTIFY_WINDOW_MS, type SlaMailSender } from './sla-notices.js';

export type SlaScanDeps = {
  db: Kysely<DB>;
  clock: Clock;
  sendMail?: SlaMailSender;
  /** Cases per chunk (default `SCAN_CHUNK`). */
  batchSize?: number;
  /**
   * Where chunks are read when not in the scan's own transaction: the pool, on PostgreSQL, so that
   * one connection reads the next chunk while the transaction's connection stores this one (on
   * PGlite, one connection: leave it out). Chunks are disjoint ranges of case ids, so a read never
   * needs a write of the pass.
   */
  readDb?: Kysely<DB>;
};

/** Cases per chunk: large enough that per-query overhead vanishes, small enough to pipeline. */
export const SCAN_CHUNK = 2000;

export type SlaScanResult = {
  /** Cases evaluated; of those, states whose stored row changed, and timelines read from activities and mail. */
  cases: number;
  statesWritten: number;
  timelinesRead: number;
  breachesRecorded: number;
  breachesNotified: number;
  remindersSent: number;
  warnings: CalendarWarning[];
  loadMs: number;
  evaluateMs: number;
  storeMs: number;
};

/** Cases evaluated between two turns of the event loop (a few milliseconds of CPU). */
const EVALUATE_SLICE = 250;

/** Lets queries already handed to the driver reach the server before a stretch of CPU work. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

async function scan(trx: Kysely<DB>, deps: SlaScanDeps, all: boolean): Promise<SlaScanResult> {
  const now = deps.clock.now();
  const result: SlaScanResult = {
    cases: 0,
    statesWritten: 0,
    timelinesRead: 0,
    breachesRecorded: 0,
    breachesNotified: 0,
    remindersSent: 0,
    warnings: [],
    loadMs: 0,
    evaluateMs: 0,
    storeMs: 0,
  };
  const seen = new Set<string>();
  let t = performance.now();
  const [calendars, policies] = await Promise.all([loadCalendarSet(trx), loadPolicySet(trx)]);
  result.loadMs += performance.now() - t;
  const ctx: EvaluationContext = { calendars, policies, nowMs: now.getTime() };
  const limit = deps.batchSize ?? SCAN_CHUNK;
  const reader = deps.readDb ?? trx;
  const load = (afterId: string | null) => loadScanChunk(reader, { afterId, limit, now, all });
  let next = load(null);
  // The previous chunk's store runs in the database while this chunk is evaluated here; one at a
  // time, so memory stays bounded by two chunks whatever the number of cases.
  let storing: Promise<void> = Promise.resolve();

  const evaluate = (c: ScanCase, timeline: CaseTimeline, writes: ChunkWrites) => {
    const e = evaluateOne(c, timeline, ctx);
    writes.add(e);
    if (e.core.sink.length === 0) return; // the calendars covered every year it touched
    for (const w of slaWarnings(e.core)) {
      const k = `${w.calendar} ${w.year}`;
      if (!seen.has(k)) {
        seen.add(k);
        result.warnings.push(w);
      }
    }
  };

  try {
    for (;;) {
      t = performance.now();
      const chunk = await next;
      const lines = chunk.lines;
      result.loadMs += performance.now() - t;
      if (lines.length === 0) break;
      // The next chunk loads (queued before this chunk's store) while this one is evaluated.
      next = load(chunk.lastId);
      next.catch(() => undefined); // should a store fail, the transaction is over and this load moot
      await yieldToIo();
      result.timelinesRead += chunk.reloaded.size;

      // In slices, yielding between them: the driver sends a queued statement (the next load, this
      // store) only from the event loop, so one long stretch of evaluation would idle the database.
      // evaluateMs counts the evaluation itself, not what the event loop did in between.
      const writes = new ChunkWrites(ctx.nowMs);
      const unreadable: ScanCase[] = []; // a digest that looked right but does not parse
      for (let i = 0; i < lines.length; i += EVALUATE_SLICE) {
        if (i > 0) await yieldToIo();
        t = performance.now();
        for (const line of lines.slice(i, i + EVALUATE_SLICE)) {
          const parsed = parseLine(line) as NonNullable<ReturnType<typeof parseLine>>; // loadScanChunk checked it
          const c = parsed.c;
          const timeline = chunk.reloaded.has(c.id)
            ? (chunk.timelines.get(c.id) ?? emptyTimeline())
            : fromDigest(parsed.timeline, { count: parsed.count, lastSeq: parsed.maxSeq });
          if (timeline) evaluate(c, timeline, writes);
          else unreadable.push(c);
        }
        result.evaluateMs += performance.now() - t;
      }
      if (unreadable.length > 0) {
        const read = await loadTimelines(reader, { ids: unreadable.map((c) => c.id) });
        result.timelinesRead += unreadable.length;
        for (const c of unreadable) evaluate(c, read.get(c.id) ?? emptyTimeline(), writes);
      }
      result.cases += lines.length;

      t = performance.now();
      await storing;
      result.storeMs += performance.now() - t;
      storing = storeChunk(trx, deps.sendMail, writes, now).then((c) => {
        result.statesWritten += c.statesWritten;
        result.breachesRecorded += c.breachesRecorded;
        result.breachesNotified += c.breachesNotified;
        result.remindersSent += c.remindersSent;
      });
      storing.catch(() => undefined); // awaited before the next store and at the end
    }
  } finally {
    t = performance.now();
    await storing;
    result.storeMs += performance.now() - t;
  }
  return result;
}

/**
 * One pass of the SLA scheduler: re-evaluates every case whose state is stale (or, with `all`,
 * every case not closed), stores the states, records each breach once and sends each reminder
 * once (in-app to the owner, and by mail when a sender is given) — all in one transaction, so a
 * crash leaves nothing half-sent. Returns null when another server is scanning right now.
 */
export async function runSlaScan(
  deps: SlaScanDeps,
  options: { all?: boolean } = {},
): Promise<SlaScanResult | null> {
  // One server scans at a time; the unique keys hold even without the lock.
  return deps.db
    .transaction()
    .execute(async (trx) => ((await tryScanLock(trx)) ? scan(trx, deps, options.all === true) : null));
}

/** Periodic task body: scans and logs each calendar year without holiday data once per process. */
export function slaScanTask(
  deps: SlaScanDeps,
  log: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void,
): () => Promise<void> {
  const warned = new Set<string>();
  return async () => {
    const result = await runSlaScan(deps);
    if (!result) return;
    for (const w of result.warnings) {
      const key = `${w.calendar} ${w.year}`;
      if (warned.has(key)) continue;
      warned.add(key);
      log('warn', w.message, { calendar: w.calendar, year: w.year, code: w.code });
    }
    if (result.breachesRecorded || result.remindersSent) {
      log('info', 'sla scan', {
        cases: result.cases,
        breachesRecorded: result.breachesRecorded,
        breachesNotified: result.breachesNotified,
        remindersSent: result.remindersSent,
      });
    }
  };
}
