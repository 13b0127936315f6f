import type { Kysely } from 'kysely';
import { type NewNotice, notifyMany } from '../notifications/notifications.repo.js';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import { isoInstant } from '../platform/iso-instant.js';
import type { CalendarWarning } from './calendar.types.js';
import { loadCalendarSet } from './calendars.service.js';
import { tryScanLock } from './case-sla.repo.js';
import { type EvaluatedCase, evaluateLoaded } from './case-sla.service.js';
import { loadPolicySet } from './policies.service.js';
import type { SlaClockKind } from './sla.tables.js';
import {
  loadScanChunk,
  type PriorState,
  type StateUpdate,
  saveStates,
  unchangedSince,
  updateStates,
} from './sla-chunks.repo.js';
import {
  type BreachKey,
  type DueKey,
  markBreachesNotified,
  recordBreaches,
  recordReminders,
} from './sla-records.repo.js';
import { slaWarnings } from './sla-state.js';

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
  return e.core.open
    .filter((o) => !o.overdue && now >= o.due - lead && now < o.due)
    .map((o) => ({ caseId: e.row.id, kind: o.kind, dueAt: isoInstant(o.due) }));
}

type Notice = {
  e: EvaluatedCase;
  mail: { subject: string; text: string };
  record: NewNotice & { dedupeKey: string };
  breach: BreachKey | null;
};

function notice(e: EvaluatedCase, key: DueKey, breach: BreachKey | null, now: Date): Notice | null {
  if (!e.row.ownerId) return null;
  const what = breach ? 'breach' : 'reminder';
  const mail = describe(e, key, what, now);
  // A breach is told once per clock, a reminder once per due time.
  const id = breach ? breach.startedAt : key.dueAt;
  return {
    e,
    mail,
    breach,
    record: {
      engineerId: e.row.ownerId,
      caseId: e.row.id,
      kind: `sla.${what}`,
      message: mail.text.replace('\n', ' — '),
      dedupeKey: `sla:${what}:${e.row.id}:${key.kind}:${id}`,
    },
  };
}

/**
 * Stores one evaluated chunk: the changed states, new breaches, due reminders and the owners'
 * notices (in-app in one statement, then mail for the new ones).
 */
async function storeChunk(
  trx: Kysely<DB>,
  deps: SlaScanDeps,
  chunk: { evaluated: EvaluatedCase[]; changed: EvaluatedCase[]; prior: Map<string, PriorState> },
  now: Date,
  result: SlaScanResult,
): Promise<void> {
  const { evaluated, changed, prior } = chunk;
  const updates: StateUpdate[] = [];
  for (const e of changed) {
    const before = prior.get(e.row.id);
    if (!before) continue;
    // Most timelines did not change (a policy or calendar change): the digest is not sent again.
    updates.push(before.timeline === e.stored.timeline ? { ...e.stored, timeline: null } : e.stored);
  }
  await updateStates(trx, updates, now);
  await saveStates(
    trx,
    changed.filter((e) => !prior.has(e.row.id)).map((e) => e.stored),
    now,
  );
  result.statesWritten += changed.length;
  // Only cases whose breaches changed since their last stored evaluation can have new ones.
  const recorded = await recordBreaches(
    trx,
    changed
      .filter((e) => e.stored.breachesKey !== e.row.breachesKey)
      .flatMap((e) =>
        e.core.breaches.map((b) => ({
          caseId: e.row.id,
          kind: b.kind,
          startedAt: isoInstant(b.started),
          dueAt: isoInstant(b.due),
        })),
      ),
    now,
  );
  result.breachesRecorded += recorded.length;
  const reminders = await recordReminders(
    trx,
    evaluated.flatMap((e) => remindersDue(e, now.getTime())),
    now,
  );
  if (recorded.length === 0 && reminders.length === 0) return;

  const byCase = new Map(evaluated.map((e) => [e.row.id, e]));
  const notices: Notice[] = [];
  for (const key of recorded) {
    // Old history (imported threads, a long outage) is recorded without telling anyone.
    if (now.getTime() - Date.parse(key.dueAt) > BREACH_NOTIFY_WINDOW_MS) continue;
    const n = notice(byCase.get(key.caseId) as EvaluatedCase, key, key, now);
    if (n) notices.push(n);
  }
  for (const key of reminders) {
    const n = notice(byCase.get(key.caseId) as EvaluatedCase, key, null, now);
    if (n) notices.push(n);
  }
  const fresh = new Set(
    await notifyMany(
      trx,
      notices.map((n) => n.record),
    ),
  );
  const told = notices.filter((n) => fresh.has(n.record.dedupeKey));
  for (const n of told) {
    if (n.e.row.ownerEmail && deps.sendMail)
      await deps.sendMail(trx, { to: [n.e.row.ownerEmail], ...n.mail });
  }
  const notified = told.flatMap((n) => (n.breach ? [n.breach] : []));
  await markBreachesNotified(trx, notified);
  result.breachesNotified += notified.length;
  result.remindersSent += told.length - notified.length;
}

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
  const limit = deps.batchSize ?? SCAN_CHUNK;
  const reader = deps.readDb ?? trx;
  const load = (afterId: string | null) => loadScanChunk(reader, { afterId, limit, now, all });
  let next = load(null);
  // The previous chunk's store runs in the database while this chunk is evaluated here; one at a
  // time, so memory stays bounded by two chunks whatever the number of cases.
  let storing: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      t = performance.now();
      const chunk = await next;
      const cases = chunk.cases;
      result.loadMs += performance.now() - t;
      if (cases.length === 0) break;
      // The next chunk loads (queued before this chunk's store) while this one is evaluated.
      next = load((cases[cases.length - 1] as { id: string }).id);
      next.catch(() => undefined); // should a store fail, the transaction is over and this load moot
      await yieldToIo();
      result.timelinesRead += chunk.reloaded;

      // In slices, yielding between them: the driver sends a queued statement (the next load, this
      // store) only from the event loop, so one long stretch of evaluation would idle the database.
      // evaluateMs counts the evaluation itself, not what the event loop did in between.
      const evaluated: EvaluatedCase[] = [];
      for (let i = 0; i < cases.length; i += EVALUATE_SLICE) {
        if (i > 0) await yieldToIo();
        t = performance.now();
        const slice = cases.slice(i, i + EVALUATE_SLICE);
        for (const e of evaluateLoaded(slice, chunk.timelines, { calendars, policies, now }))
          evaluated.push(e);
        result.evaluateMs += performance.now() - t;
      }
      t = performance.now();
      const changed = evaluated.filter((e) => !unchangedSince(chunk.prior.get(e.row.id), e.row, e.stored));
      for (const e of evaluated) {
        for (const w of slaWarnings(e.core)) {
          const k = `${w.calendar} ${w.year}`;
          if (!seen.has(k)) {
            seen.add(k);
            result.warnings.push(w);
          }
        }
      }
      result.cases += cases.length;
      result.evaluateMs += performance.now() - t;

      t = performance.now();
      await storing;
      result.storeMs += performance.now() - t;
      storing = storeChunk(trx, deps, { evaluated, changed, prior: chunk.prior }, now, result);
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
