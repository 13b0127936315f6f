import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Database } from './database.js';

const migrationsDir = join(import.meta.dirname, 'migrations');

export type Migration = { name: string; sql: string };

export function loadMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

/**
 * Applies pending migrations in order, each in its own transaction. An advisory lock makes two
 * servers starting together against one PostgreSQL apply each migration exactly once.
 * Returns the names applied now.
 */
export async function migrate(database: Database, migrations = loadMigrations()): Promise<string[]> {
  await database.exec(`create table if not exists schema_migrations (
    name text primary key, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await sql<{
      name: string;
    }>`select name from schema_migrations where name = ${migration.name}`.execute(database.db);
    if (done.rows.length > 0) continue;
    const escapedName = migration.name.replace(/'/g, "''");
    const ran = await applyOne(database, migration, escapedName);
    if (ran) applied.push(migration.name);
  }
  return applied;
}

async function applyOne(database: Database, migration: Migration, escapedName: string): Promise<boolean> {
  try {
    await database.exec(`begin;
      select pg_advisory_xact_lock(7305212);
      do $$ begin
        if exists (select 1 from schema_migrations where name = '${escapedName}') then
          raise exception 'casedesk:already-applied';
        end if;
      end $$;
      ${migration.sql}
      ;
      insert into schema_migrations(name) values ('${escapedName}');
      commit;`);
    return true;
  } catch (err) {
    if (String(err).includes('casedesk:already-applied')) return false;
    throw new Error(
      `Migration ${migration.name} failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
