import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase, testDbKind } from '../support/test-db.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.drop());

describe('mail body storage (migration 012)', () => {
  it('compresses mail bodies with lz4 on PostgreSQL and keeps pglz on PGlite, which has no lz4', async () => {
    const { rows } = await sql<{ table: string; column: string; compression: string }>`
      select c.relname as table, a.attname as column, a.attcompression::text as compression
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace = current_schema()::regnamespace
        and (c.relname, a.attname) in (('emails', 'text_body'), ('emails', 'html_body'), ('inbound_emails', 'html_body'))
      order by 1, 2`.execute(database.db);
    // attcompression is '' for the server default (pglz), 'l' for lz4.
    const expected = testDbKind === 'postgres' ? 'l' : '';
    expect(rows.map((r) => `${r.table}.${r.column}=${r.compression}`)).toEqual([
      `emails.html_body=${expected}`,
      `emails.text_body=${expected}`,
      `inbound_emails.html_body=${expected}`,
    ]);
  });
});
