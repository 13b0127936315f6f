import { randomBytes } from 'node:crypto';
import { type Database, openDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';

export const benchPgUrl = process.env.CASEDESK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh migrated database for one benchmark: in-memory PGlite, or a private schema on PostgreSQL. */
export async function openBenchDatabase(
  kind: 'pglite' | 'postgres',
): Promise<Database & { drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite' });
    await migrate(database);
    return { ...database, drop: () => database.close() };
  }
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = await openDatabase({ kind: 'postgres', url: benchPgUrl, maxConnections: 1 });
  await admin.exec(`create schema ${schema}`);
  const database = await openDatabase({ kind: 'postgres', url: benchPgUrl, schema });
  await migrate(database);
  return {
    ...database,
    drop: async () => {
      await database.close();
      await admin.exec(`drop schema ${schema} cascade`);
      await admin.close();
    },
  };
}
