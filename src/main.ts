import type { Clock } from './platform/clock.js';
import { systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { type Database, openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import type { AppDeps } from './platform/http/app-deps.js';

/** What a running CaseDesk process holds: its configuration, database and clock. */
export type Runtime = { config: Config; database: Database; clock: Clock; appliedMigrations: string[] };

/**
 * Composition root: opens the configured database (PostgreSQL when DATABASE_URL is set, otherwise
 * PGlite under the data directory) and applies pending migrations.
 */
export async function openRuntime(config: Config, options: { migrate?: boolean } = {}): Promise<Runtime> {
  const database = config.databaseUrl
    ? await openDatabase({ kind: 'postgres', url: config.databaseUrl })
    : await openDatabase({ kind: 'pglite', dataDir: config.dataDir });
  const appliedMigrations = options.migrate === false ? [] : await migrate(database);
  return { config, database, clock: systemClock, appliedMigrations };
}

export function appDeps(runtime: Runtime): AppDeps {
  return { db: runtime.database.db, clock: runtime.clock, config: runtime.config };
}
