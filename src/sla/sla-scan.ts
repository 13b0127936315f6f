import type { Kysely } from 'kysely';
import { type NewNotice, notifyMany } from '../notifications/notifications.repo.js';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import { isoInstant } from '../platform/iso-instant.js';
import type { CalendarWarning } from './calendar.types.js';
import { loadCalendarSet } from './calendars.service.js';
import { type StoredState, tryScanLock } from './case-sla.repo.js';
import { type EvaluatedCase, type EvaluationContext, evaluateOne } from './case-sla.service.js';
import { loadPolicySet } from './policies.service.js';
import type { SlaClockKind } from './sla.tables.js';
import {
  DueTimesBatch,
  loadNoticeLabels,
  loadScanChunk,
  parseLine,
  type ScanCase,
  type StateUpdate,
  sameInputs,
  saveStates,
  unchangedSince,
  updateDueTimes,
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
import { type CaseTimeline, emptyTimeline, fromDigest, loadTimelines } from './sla-timelines.repo.js';

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

type Scanned = EvaluatedCase<ScanCase>;
type CaseLabel = { number: string; title: string; ownerEmail: string | null };
/** What a notice about a case says of it besides its label. */
type NoticeCase = { caseId: string; ownerId: string; priority: string; zone: string };

function describe(
  e: NoticeCase,
  c: CaseLabel,
  key: DueKey,
  what: 'reminder' | 'breach',
  now: Date,
): { subject: string; text: string } {
  const label = KIND_LABEL[key.kind];
  const due = localTime(key.dueAt, e.zone);
  const head = `${c.number} (${e.priority}) ${c.title}`;
  if (what === 'reminder') {
    const minutes = Math.max(0, Math.round((Date.parse(key.dueAt) - now.getTime()) / 60_000));
    return {
      subject: `[SLA] ${c.number}: ${label} due in ${minutes} min`,
      text: `${head}\nThe ${label} is due at ${due} (in ${minutes} minutes).`,
    };
  }
  return {
    subject: `[SLA] ${c.number}: ${label} missed`,
    text: `${head}\nThe ${label} was due at ${due} and was not met.`,
  };
}

type Notice = {
  ownerEmail: string | null;
  mail: { subject: string; text: string };
  record: NewNotice & { dedupeKey: string };
  breach: BreachKey | null;
};

function notice(
  e: NoticeCase | undefined,
  c: CaseLabel | undefined,
  key: DueKey,
  breach: BreachKey | null,
  now: Date,
): Notice | null {
  if (!e || !c) return null;
  const what = breach ? 'breach' : 'reminder';
  const mail = describe(e, c, key, what, now);
  // A breach is told once per clock, a reminder once per due time.
  const id = breach ? breach.startedAt : key.dueAt;
  return {
    ownerEmail: c.ownerEmail,
    mail,
    breach,
    record: {
      engineerId: e.ownerId,
      caseId: e.caseId,
      kind: `sla.${what}`,
      message: mail.text.replace('\n', ' — '),
      dedupeKey: `sla:${what}:${e.caseId}:${key.kind}:${id}`,
    },
  };
}

/**
 * What one evaluated chunk has to write, gathered case by case as they are evaluated: a pass keeps
 * no evaluated case (its timeline, clocks and state objects) beyond its own evaluation.
 */
class ChunkWrites {
  /** States whose inputs did not change: new due times only (a policy or calendar change). */
  readonly dueTimes = new DueTimesBatch();
  readonly updates: StateUpdate[] = [];
  readonly inserts: StoredState[] = [];
  /** Breaches of cases whose breaches changed since their last stored evaluation. */
  readonly breaches: BreachKey[] = [];
  readonly reminders: DueKey[] = [];
  /** Owned cases with a breach or reminder above, for their notices. */
  readonly noticeCases = new Map<string, NoticeCase>();
  written = 0;

  constructor(private readonly nowMs: number) {}

  add(e: Scanned): void {
    const { row, stored, core } = e;
    let noticeable = false;
    if (!unchangedSince(row, stored)) {
      this.written++;
      const before = row.prior;
      if (!before) this.inserts.push(stored);
      else if (sameInputs(row, stored)) this.dueTimes.add(stored);
      // Most timelines did not change: the digest is not sent again.
      else this.updates.push(before.timeline === stored.timeline ? { ...stored, timeline: null } : stored);
      if (stored.breachesKey !== row.breachesKey) {
        for (const b of core.breaches) {
          this.breaches.push({
            caseId: row.id,
            kind: b.kind,
            startedAt: isoInstant(b.started),
            dueAt: isoInstant(b.due),
          });
          noticeable = true;
        }
      }
    }
    // Reminders due now: open clocks whose reminder time has come but whose due time has not passed.
    const lead = e.policy.remindBeforeMinutes * 60_000;
    for (const o of core.open) {
      if (!o.overdue && this.nowMs >= o.due - lead && this.nowMs < o.due) {
        this.reminders.push({ caseId: row.id, kind: o.kind, dueAt: isoInstant(o.due) });
        noticeable = true;
      }
    }
    if (noticeable && row.ownerId)
      this.noticeCases.set(row.id, {
        caseId: row.id,
        ownerId: row.ownerId,
        priority: row.priority,
        zone: e.calendar.zone,
      });
  }
}

/**
 * Stores one evaluated chunk: the changed states, new breaches, due reminders and the owners'
 * notices (in-app in one statement, then mail for the new ones).
 */
async function storeChunk(
  trx: Kysely<DB>,
  deps: SlaScanDeps,
  writes: ChunkWrites,
  now: Date,
  result: SlaScanResult,
): Promise<void> {
  await updateDueTimes(trx, writes.dueTimes, now);
  await updateStates(trx, writes.updates, now);
  await saveStates(trx, writes.inserts, now);
  result.statesWritten += writes.written;
  const recorded = await recordBreaches(trx, writes.breaches, now);
  result.breachesRecorded += recorded.length;
  const reminders = await recordReminders(trx, writes.reminders, now);
  if (recorded.length === 0 && reminders.length === 0) return;

  // Old history (imported threads, a long outage) is recorded without telling anyone.
  const toTell = recorded.filter((key) => now.getTime() - Date.parse(key.dueAt) <= BREACH_NOTIFY_WINDOW_MS);
  const cases = writes.noticeCases;
  const labels = await loadNoticeLabels(
    trx,
    [...new Set([...toTell, ...reminders].map((k) => k.caseId))].filter((id) => cases.has(id)),
  );
  const notices: Notice[] = [];
  for (const key of toTell) {
    const n = notice(cases.get(key.caseId), labels.get(key.caseId), key, key, now);
    if (n) notices.push(n);
  }
  for (const key of reminders) {
    const n = notice(cases.get(key.caseId), labels.get(key.caseId), key, null, now);
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
    if (n.ownerEmail && deps.sendMail) await deps.sendMail(trx, { to: [n.ownerEmail], ...n.mail });
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
      storing = storeChunk(trx, deps, writes, now, result);
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
