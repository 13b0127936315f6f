import { randomBytes } from 'node:crypto';
import { type Database, openDatabase } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrate.js';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a private schema on
 * real PostgreSQL when CASEDESK_TEST_DB=postgres (URL from CASEDESK_TEST_PG_URL).
 * The same tests run on both; `npm test` runs the suite twice.
 */
export const testDbKind: 'pglite' | 'postgres' =
  process.env.CASEDESK_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
export const testPgUrl = process.env.CASEDESK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestDatabase = Database & { drop: () => Promise<void>; schema: string | null };

export async function openTestDatabase(): Promise<TestDatabase> {
  if (testDbKind === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = await openDatabase({ kind: 'postgres', url: testPgUrl, maxConnections: 1 });
    await admin.exec(`create schema ${schema}`);
    await admin.close();
    const database = await openDatabase({ kind: 'postgres', url: testPgUrl, schema });
    await migrate(database);
    return {
      ...database,
      schema,
      drop: async () => {
        await database.close();
        const cleanup = await openDatabase({ kind: 'postgres', url: testPgUrl, maxConnections: 1 });
        await cleanup.exec(`drop schema ${schema} cascade`);
        await cleanup.close();
      },
    };
  }
  const database = await openDatabase({ kind: 'pglite' });
  await migrate(database);
  return { ...database, schema: null, drop: () => database.close() };
}
