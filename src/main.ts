import { join } from 'node:path';
import { outboxTask } from './mail/outbound/outbox-task.js';
import type { Clock } from './platform/clock.js';
import { systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { createLocalFileStore, type FileStore } from './platform/files/file-store.js';
import type { AppDeps } from './platform/http/app-deps.js';
import { type JobDefinition, JobRunner } from './platform/jobs/jobs.js';
import { slaPeriodicTask } from './sla/sla-scan.task.js';
import { uploadJobs, uploadPeriodicTasks } from './uploads/upload-background.js';

/** What a running CaseDesk process holds: its configuration, database, file store and clock. */
export type Runtime = {
  config: Config;
  database: Database;
  files: FileStore;
  clock: Clock;
  appliedMigrations: string[];
};

/**
 * Composition root: opens the configured database (PostgreSQL when DATABASE_URL is set, otherwise
 * PGlite under the data directory), applies pending migrations, opens the file store.
 */
export async function openRuntime(config: Config, options: { migrate?: boolean } = {}): Promise<Runtime> {
  const database = config.databaseUrl
    ? await openDatabase({ kind: 'postgres', url: config.databaseUrl })
    : await openDatabase({ kind: 'pglite', dataDir: config.dataDir });
  const appliedMigrations = options.migrate === false ? [] : await migrate(database);
  const files = createLocalFileStore(join(config.dataDir, 'files'));
  return { config, database, files, clock: systemClock, appliedMigrations };
}

export function appDeps(runtime: Runtime): AppDeps {
  return { db: runtime.database.db, clock: runtime.clock, config: runtime.config, files: runtime.files };
}

/** Every background job kind, built with its dependencies. Each domain adds its jobs here. */
export function buildJobs(deps: AppDeps): JobDefinition<unknown>[] {
  return [...uploadJobs(deps)];
}

/** Work a server repeats on a timer (IMAP polls, SLA scans, sweeps). Each domain adds its tasks here. */
export type PeriodicTask = { name: string; everyMs: number; run: () => Promise<void> };

export function buildPeriodicTasks(deps: AppDeps): PeriodicTask[] {
  return [outboxTask(deps), slaPeriodicTask(deps), ...uploadPeriodicTasks(deps)];
}

export type Logger = (
  level: 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** Starts the job runner and periodic tasks of a serving process; returns a stop function. */
export function startBackground(deps: AppDeps, log: Logger): () => Promise<void> {
  const runner = new JobRunner({ db: deps.db, clock: deps.clock, jobs: buildJobs(deps), log });
  runner.start();
  const timers: NodeJS.Timeout[] = [];
  // The run in progress of each task, so stopping waits for it (an outbox send is not cut off mid-way).
  const busy = new Map<string, Promise<void>>();
  for (const task of buildPeriodicTasks(deps)) {
    const tick = async () => {
      if (busy.has(task.name)) return; // a slow run is never overlapped by the next one
      const running = task.run();
      busy.set(
        task.name,
        running.catch(() => undefined),
      );
      try {
        await running;
      } catch (err) {
        log('error', `periodic task ${task.name} failed`, {
          err: err instanceof Error ? err.message : String(err),
        });
      } finally {
        busy.delete(task.name);
      }
    };
    timers.push(setInterval(tick, task.everyMs));
    void tick();
  }
  return async () => {
    for (const t of timers) clearInterval(t);
    await Promise.all([...busy.values()]);
    await runner.stop();
  };
}
