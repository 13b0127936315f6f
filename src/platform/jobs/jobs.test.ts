import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-db.js';
import { fixedClock } from '../clock.js';
import { defineJob, enqueueJob, JobRunner } from './jobs.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database.drop());

describe('database-backed jobs', () => {
  it('runs each due job once across two runners, retries failures with backoff, and dedupes', async () => {
    // Jobs default to run at the database's now(); the test clock starts just after it.
    const clock = fixedClock(new Date(Date.now() + 60_000));
    const seen: string[] = [];
    let failOnce = true;
    const echo = defineJob({
      kind: 'test.echo',
      payload: z.object({ word: z.string() }),
      handler: async ({ word }) => {
        if (word === 'flaky' && failOnce) {
          failOnce = false;
          throw new Error('smtp 421 try later');
        }
        seen.push(word);
      },
    });
    for (const word of ['a', 'b', 'c', 'flaky'])
      await enqueueJob(database.db, echo, { word }, { dedupeKey: word });
    expect(await enqueueJob(database.db, echo, { word: 'a' }, { dedupeKey: 'a' })).toBeNull();
    const one = new JobRunner({ db: database.db, clock, jobs: [echo], workerId: 'one' });
    const two = new JobRunner({ db: database.db, clock, jobs: [echo], workerId: 'two' });
    await Promise.all([one.runDue(), two.runDue()]);
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    // The failed one waits for its backoff, then succeeds.
    expect(await one.runDue()).toBe(0);
    clock.advance(11_000);
    await one.runDue();
    expect(seen).toContain('flaky');
    const failed = await database.db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('dedupe_key', '=', 'flaky')
      .executeTakeFirstOrThrow();
    expect(failed).toEqual({ status: 'done', attempts: 2 });
  });

  it('reclaims a job whose server died after its lease ran out', async () => {
    const clock = fixedClock(new Date(Date.now() + 60_000));
    let runs = 0;
    const slow = defineJob({ kind: 'test.lease', payload: z.object({}), handler: async () => void runs++ });
    await enqueueJob(database.db, slow, {});
    // A server claims it and dies: simulate by claiming without finishing.
    await database.db
      .updateTable('jobs')
      .set({
        status: 'running',
        locked_by: 'dead',
        locked_until: new Date(clock.now().getTime() + 5 * 60_000),
      })
      .where('kind', '=', 'test.lease')
      .execute();
    const runner = new JobRunner({ db: database.db, clock, jobs: [slow] });
    expect(await runner.runDue()).toBe(0);
    clock.advance(6 * 60_000);
    expect(await runner.runDue()).toBe(1);
    expect(runs).toBe(1);
  });
});
