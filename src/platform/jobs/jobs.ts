import { hostname } from 'node:os';
import { type Kysely, sql } from 'kysely';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { DB } from '../db/db.js';

/**
 * Background jobs stored in the `jobs` table — no broker. A job is declared once as
 * `{ kind, payload schema, handler }`; servers claim due jobs with a conditional update
 * (`for update skip locked`), so several servers share the work and each job runs on one of them.
 * A claimed job holds a lease; if its server dies, the job is claimed again when the lease ends,
 * so handlers must be idempotent (the outbox, for one, records what it sent before acknowledging).
 *
 * @example
 * const sendMail = defineJob({ kind: 'mail.send', payload: z.object({ outboxId: z.string() }), handler: … });
 * await enqueueJob(db, sendMail, { outboxId }, { dedupeKey: outboxId });
 * const runner = new JobRunner({ db, clock, jobs: [sendMail] }); runner.start();
 */
export type JobContext = { db: Kysely<DB>; clock: Clock; jobId: string; attempt: number };

export type JobDefinition<P = unknown> = {
  kind: string;
  payload: z.ZodType<P>;
  // Method syntax on purpose: lets a list of differently-typed jobs be passed as JobDefinition<unknown>[].
  handler(payload: P, ctx: JobContext): Promise<void>;
  maxAttempts?: number;
  /** Delay before retry number `attempt` (1-based); default exponential from 10 s, capped at 1 h. */
  backoffMs?: (attempt: number) => number;
};

export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

export type EnqueueOptions = { runAt?: Date; dedupeKey?: string; maxAttempts?: number };

/** Enqueues a job; with a dedupe key, does nothing (returns null) while an unfinished job has that key. */
export async function enqueueJob<P>(
  db: Kysely<DB>,
  definition: JobDefinition<P>,
  payload: P,
  options: EnqueueOptions = {},
): Promise<string | null> {
  const parsed = definition.payload.parse(payload);
  const row = await db
    .insertInto('jobs')
    .values({
      kind: definition.kind,
      payload: JSON.stringify(parsed),
      dedupe_key: options.dedupeKey ?? null,
      ...(options.runAt ? { run_at: options.runAt } : {}),
      max_attempts: options.maxAttempts ?? definition.maxAttempts ?? 8,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

const defaultBackoff = (attempt: number) => Math.min(3_600_000, 10_000 * 2 ** (attempt - 1));

export type JobRunnerOptions = {
  db: Kysely<DB>;
  clock: Clock;
  jobs: JobDefinition<unknown>[];
  workerId?: string;
  pollMs?: number;
  leaseMs?: number;
  batchSize?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
};

export class JobRunner {
  private readonly definitions = new Map<string, JobDefinition>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;
  readonly workerId: string;

  constructor(private readonly options: JobRunnerOptions) {
    for (const job of options.jobs) this.definitions.set(job.kind, job);
    this.workerId =
      options.workerId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.runDue();
      } catch (err) {
        this.options.log?.('error', 'job runner tick failed', { err: String(err) });
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 1000);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Claims and runs the jobs due now; returns how many ran. Tests call this directly. */
  async runDue(): Promise<number> {
    const run = this.claimAndRun();
    this.running = run;
    return run;
  }

  private async claimAndRun(): Promise<number> {
    const { db, clock } = this.options;
    const now = clock.now();
    const leaseUntil = new Date(now.getTime() + (this.options.leaseMs ?? 5 * 60_000));
    const kinds = [...this.definitions.keys()];
    if (kinds.length === 0) return 0;
    const claimed = await sql<{
      id: string;
      kind: string;
      payload: Record<string, unknown>;
      attempts: number;
      max_attempts: number;
    }>`
      update jobs set status = 'running', locked_by = ${this.workerId}, locked_until = ${leaseUntil},
        attempts = attempts + 1
      where id in (
        select id from jobs
        where kind in (${sql.join(kinds)}) and run_at <= ${now}
          and (status = 'pending' or (status = 'running' and locked_until < ${now}))
        order by run_at
        limit ${this.options.batchSize ?? 10}
        for update skip locked)
      returning id, kind, payload, attempts, max_attempts`.execute(db);
    for (const job of claimed.rows) await this.runOne(job);
    return claimed.rows.length;
  }

  private async runOne(job: {
    id: string;
    kind: string;
    payload: Record<string, unknown>;
    attempts: number;
    max_attempts: number;
  }): Promise<void> {
    const { db, clock } = this.options;
    const definition = this.definitions.get(job.kind);
    try {
      if (!definition) throw new Error(`no handler for job kind ${job.kind}`);
      const payload = definition.payload.parse(job.payload);
      await definition.handler(payload, { db, clock, jobId: job.id, attempt: job.attempts });
      await db
        .updateTable('jobs')
        .set({
          status: 'done',
          finished_at: clock.now(),
          locked_by: null,
          locked_until: null,
          last_error: null,
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.workerId)
        .execute();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const giveUp = job.attempts >= job.max_attempts;
      const delay = (definition?.backoffMs ?? defaultBackoff)(job.attempts);
      this.options.log?.(giveUp ? 'error' : 'warn', `job ${job.kind} failed`, {
        id: job.id,
        attempt: job.attempts,
        err: message,
      });
      await db
        .updateTable('jobs')
        .set({
          status: giveUp ? 'failed' : 'pending',
          run_at: new Date(clock.now().getTime() + delay),
          locked_by: null,
          locked_until: null,
          last_error: message.slice(0, 2000),
          ...(giveUp ? { finished_at: clock.now() } : {}),
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.workerId)
        .execute();
    }
  }
}

/**
 * Runs `fn` only if no other server holds the same lock right now (a transaction-scoped advisory
 * lock); returns undefined when another holds it. For periodic sweeps that must not run twice at once.
 */
export async function runExclusive<T>(
  db: Kysely<DB>,
  lockKey: number,
  fn: (trx: Kysely<DB>) => Promise<T>,
): Promise<T | undefined> {
  return db.transaction().execute(async (trx) => {
    const got = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${lockKey}) as ok`.execute(trx);
    if (!got.rows[0]?.ok) return undefined;
    return fn(trx);
  });
}
