import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type DataDirLock, lockDataDir } from './data-dir-lock.js';
import type { DB } from './db.js';
import { lockFor, PGliteDialect } from './pglite-dialect.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** The database handle every repository receives. */
export type Database = {
  kind: DatabaseKind;
  db: Kysely<DB>;
  /** Runs a multi-statement SQL script (migrations); rolls back an open transaction if it fails. Not for user input. */
  exec: (script: string) => Promise<void>;
  close: () => Promise<void>;
};

export type OpenOptions =
  | { kind: 'postgres'; url: string; schema?: string; maxConnections?: number }
  | { kind: 'pglite'; dataDir?: string };

// int8 (counts, sequences) as JS numbers, as PGlite does; our counts stay far below 2^53.
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (v: string) => Number.parseInt(v, 10)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      types: pgTypes,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      kind: 'postgres',
      db,
      exec: async (script) => {
        // Without parameters pg uses the simple protocol, which accepts several statements.
        // A failed script is rolled back on its own connection before that goes back to the pool.
        const client = await pool.connect();
        try {
          await client.query(script);
        } catch (err) {
          await client.query('rollback').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      },
      close: () => db.destroy(),
    };
  }
  let pglite: PGlite;
  let dirLock: DataDirLock | null = null;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    dirLock = lockDataDir(options.dataDir);
    try {
      pglite = await PGlite.create(join(options.dataDir, 'pglite'));
    } catch (err) {
      dirLock.release();
      throw err;
    }
  } else {
    pglite = await PGlite.create();
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    exec: async (script) => {
      const release = await lockFor(pglite).acquire();
      try {
        await pglite.exec(script);
      } catch (err) {
        await pglite.exec('rollback').catch(() => undefined);
        throw err;
      } finally {
        release();
      }
    },
    close: async () => {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        dirLock?.release();
      }
    },
  };
}
