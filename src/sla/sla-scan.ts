import { type Kysely, sql } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import type { CalendarWarning } from './calendar.types.js';
import { loadCalendarSet } from './calendars.service.js';
import { tryScanLock } from './case-sla.repo.js';
import { type EvaluatedCase, evaluateLoaded } from './case-sla.service.js';
import { loadPolicySet } from './policies.service.js';
import type { SlaClockKind } from './sla.tables.js';
import { loadScanChunk, unchangedSince } from './sla-chunks.repo.js';
import { type DueKey, markBreachesNotified } from './sla-records.repo.js';
import { type ChunkWrites, type DueNotice, storeScanChunk } from './sla-store.repo.js';

/** Sends a notification mail (through the outbox); absent, reminders and breaches are in-app only. */
export type SlaMailSender = (
  db: Kysely<DB>,
  mail: { to: string[]; subject: string; text: string },
) => Promise<void>;

export type SlaScanDeps = {
  db: Kysely<DB>;
  clock: Clock;
  sendMail?: SlaMailSender;
  /** Cases per chunk (default `SCAN_CHUNK`). */
  batchSize?: number;
};

/** Cases per chunk: large enough that per-query overhead vanishes, small enough to pipeline. */
export const SCAN_CHUNK = 1000;

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

/** Breaches that were due longer ago than this (old imported history, a long outage) are recorded silently. */
export const BREACH_NOTIFY_WINDOW_MS = 24 * 3_600_000;

const KIND_LABEL: Record<SlaClockKind, string> = {
  first_response: 'first response',
  follow_up: 'follow-up',
  resolution: 'resolution',
};

function localTime(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
  return `${parts} ${zone}`;
}

function describe(
  e: EvaluatedCase,
  key: DueKey,
  what: 'reminder' | 'breach',
  now: Date,
): { subject: string; text: string } {
  const label = KIND_LABEL[key.kind];
  const due = localTime(key.dueAt, e.calendar.zone);
  const head = `${e.row.number} (${e.row.priority}) ${e.row.title}`;
  if (what === 'reminder') {
    const minutes = Math.max(0, Math.round((Date.parse(key.dueAt) - now.getTime()) / 60_000));
    return {
      subject: `[SLA] ${e.row.number}: ${label} due in ${minutes} min`,
      text: `${head}\nThe ${label} is due at ${due} (in ${minutes} minutes).`,
    };
  }
  return {
    subject: `[SLA] ${e.row.number}: ${label} missed`,
    text: `${head}\nThe ${label} was due at ${due} and was not met.`,
  };
}

/** Reminders due now: open clocks whose reminder time has come but whose due time has not passed. */
function remindersDue(e: EvaluatedCase, now: number): DueKey[] {
  const lead = e.policy.remindBeforeMinutes * 60_000;
  return e.state.open
    .filter((o) => !o.overdue && now >= Date.parse(o.dueAt) - lead && now < Date.parse(o.dueAt))
    .map((o) => ({ caseId: e.row.id, kind: o.kind, dueAt: o.dueAt }));
}

/** The in-app notice (and mail) for a breach or reminder of an owned case; null when nobody owns it. */
function notice(e: EvaluatedCase, key: DueKey, what: 'reminder' | 'breach', now: Date) {
  if (!e.row.ownerId) return null;
  const mail = describe(e, key, what, now);
  const dedupeKey = `sla:${what}:${e.row.id}:${key.kind}:${key.dueAt}`;
  return {
    notice: { ...key, engineerId: e.row.ownerId, message: mail.text.replace('\n', ' — '), dedupeKey },
    mail: e.row.ownerEmail ? { to: [e.row.ownerEmail], ...mail } : null,
  };
}

type Mail = { to: string[]; subject: string; text: string };

/**
 * What one chunk writes, from its evaluated cases: the changed states, their breaches, the
 * reminders due, and the notices to give for those of them recorded now.
 */
function chunkWrites(evaluated: EvaluatedCase[], changed: EvaluatedCase[], now: Date) {
  const breaches: DueKey[] = [];
  const breachNotices: DueNotice[] = [];
  const mails = new Map<string, Mail>();
  for (const e of changed) {
    // Only cases whose breaches changed since their last stored evaluation can have new ones.
    if (e.stored.breachesKey === e.row.breachesKey) continue;
    for (const b of e.state.breaches) {
      const key = { caseId: e.row.id, kind: b.kind, dueAt: b.dueAt };
      breaches.push(key);
      if (now.getTime() - Date.parse(key.dueAt) > BREACH_NOTIFY_WINDOW_MS) continue;
      const n = notice(e, key, 'breach', now);
      if (!n) continue;
      breachNotices.push(n.notice);
      if (n.mail) mails.set(n.notice.dedupeKey, n.mail);
    }
  }
  const reminders: DueKey[] = [];
  const reminderNotices: DueNotice[] = [];
  for (const e of evaluated) {
    for (const key of remindersDue(e, now.getTime())) {
      reminders.push(key);
      const n = notice(e, key, 'reminder', now);
      if (!n) continue;
      reminderNotices.push(n.notice);
      if (n.mail) mails.set(n.notice.dedupeKey, n.mail);
    }
  }
  const writes: ChunkWrites = {
    states: changed.map((e) => e.stored),
    breaches,
    breachNotices,
    reminders,
    reminderNotices,
  };
  return { writes, mails };
}

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
  const limit = deps.batchSize ?? SCAN_CHUNK;
  const load = (afterId: string | null) => loadScanChunk(trx, { afterId, limit, now, all });

  // A chunk's writes go to the database as one statement and are not waited for: the database
  // stores chunk k while chunk k+1 is evaluated here. All of them finish before the commit.
  const stores: Promise<void>[] = [];
  const failure: { error?: unknown; failed: boolean } = { failed: false };
  const store = async (writes: ChunkWrites, mails: Map<string, Mail>) => {
    const stored = await storeScanChunk(trx, writes, now);
    result.breachesRecorded += stored.breachesRecorded;
    const notified = writes.breachNotices.filter((n) => stored.noticesSent.has(n.dedupeKey));
    result.breachesNotified += notified.length;
    result.remindersSent += writes.reminderNotices.filter((n) => stored.noticesSent.has(n.dedupeKey)).length;
    await markBreachesNotified(trx, notified);
    if (deps.sendMail) {
      for (const key of stored.noticesSent) {
        const mail = mails.get(key);
        if (mail) await deps.sendMail(trx, mail);
      }
    }
  };

  let next = load(null);
  for (;;) {
    t = performance.now();
    let chunk: Awaited<typeof next>;
    try {
      chunk = await next;
    } catch (err) {
      // A failed store aborts the transaction; its error, not the next load's, is the one to report.
      throw failure.failed ? failure.error : err;
    }
    const cases = chunk.cases;
    result.loadMs += performance.now() - t;
    if (cases.length === 0) break;
    // The next chunk loads in the database while this one is evaluated here.
    next = load((cases[cases.length - 1] as { id: string }).id);
    // Should a store fail, the transaction is over; the next load's error is moot.
    next.catch(() => undefined);
    await yieldToIo();
    result.timelinesRead += chunk.reloaded;

    t = performance.now();
    const evaluated = evaluateLoaded(cases, chunk.timelines, { calendars, policies, now });
    const changed = evaluated.filter((e) => !unchangedSince(chunk.prior.get(e.row.id), e.row, e.stored));
    result.evaluateMs += performance.now() - t;

    t = performance.now();
    const { writes, mails } = chunkWrites(evaluated, changed, now);
    result.statesWritten += changed.length;
    if (writes.states.length > 0 || writes.reminders.length > 0) {
      const p = store(writes, mails);
      p.catch((error: unknown) => {
        if (failure.failed) return;
        failure.failed = true;
        failure.error = error;
      });
      stores.push(p);
    }
    for (const e of evaluated) {
      for (const w of e.state.warnings) {
        const k = `${w.calendar} ${w.year}`;
        if (!seen.has(k)) {
          seen.add(k);
          result.warnings.push(w);
        }
      }
    }
    result.cases += cases.length;
    result.storeMs += performance.now() - t;
  }
  t = performance.now();
  await Promise.all(stores);
  result.storeMs += performance.now() - t;
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
  return deps.db.transaction().execute(async (trx) => {
    if (!(await tryScanLock(trx))) return null;
    // The chunk queries are short; parallel workers for them cost more CPU than they save, and
    // that CPU is what evaluates the previous chunk (and serves everyone else) meanwhile.
    await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
    return scan(trx, deps, options.all === true);
  });
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
