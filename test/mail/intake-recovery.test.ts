import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimPrepared,
  fileClaimed,
  type IngestDeps,
  type IngestOutcome,
  prepareRaw,
} from '../../src/mail/inbound/ingest-pipeline.js';
import { createIngestQueue } from '../../src/mail/inbound/ingest-queue.js';
import { inThreadParse } from '../../src/mail/inbound/parse-pool.js';
import { fixedClock } from '../../src/platform/clock.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { buildMail, type TestMail } from './mail-builder.js';

/**
 * The SMTP listener acknowledges a message once it is recorded as received and files it onto a case
 * in a second transaction. These tests stop between the two, as a crash would, and check that any
 * queue (on any server) files what was left, exactly once, and that a live queue keeps arrival order.
 */
let database: TestDatabase;
let deps: IngestDeps;

beforeAll(async () => {
  database = await openTestDatabase();
  deps = {
    db: database.db,
    files: createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-recovery-'))),
    clock: fixedClock('2026-05-06T02:00:00Z'),
    trackingPrefix: 'CMIT',
  };
});
afterAll(async () => {
  await database.drop();
});

const parse = inThreadParse('CMIT');
const queue = () => createIngestQueue(deps, { acknowledge: 'stored', parse });

/** What a server that died right after its 250 leaves behind: bytes on disk, a received record. */
async function receivedOnly(m: TestMail): Promise<{ inboundId: string; rawSha256: string }> {
  const prepared = await prepareRaw(deps, buildMail(m), 'smtp:203.0.113.9');
  const [intake] = await claimPrepared(deps, [prepared]);
  if (!intake || !('claimed' in intake)) throw new Error('the message was not claimed');
  return { inboundId: intake.claimed.inboundId, rawSha256: prepared.rawSha256 };
}

const statusOf = async (id: string) =>
  await database.db
    .selectFrom('inbound_messages')
    .select(['status', 'reason', 'case_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const emailsWith = async (messageId: string) =>
  database.db.selectFrom('emails').select(['case_id']).where('message_id', '=', messageId).execute();

describe('intake recovery', () => {
  it('files a message that was acknowledged but not filed when its server died', async () => {
    const left = await receivedOnly({
      from: '王工 <wang@recover.example>',
      subject: '重启后补录',
      messageId: 'left-1@recover.example',
      body: '服务器重启前收到的邮件',
    });
    expect((await statusOf(left.inboundId)).status).toBe('processing');

    const next = queue();
    // A sweep leaves recent messages alone (their own server is filing them)…
    expect(await next.recover()).toBe(0);
    // …and files old ones (0: every unfiled message, whatever its age).
    expect(await next.recover(0)).toBe(1);
    const row = await statusOf(left.inboundId);
    expect(row.status).toBe('threaded');
    expect(await emailsWith('left-1@recover.example')).toEqual([{ case_id: row.case_id }]);
    expect(await next.recover(0)).toBe(0);
    await next.close();
  });

  it('files each left message once when two servers sweep at the same time', async () => {
    const left = await Promise.all(
      [1, 2, 3].map((i) =>
        receivedOnly({
          from: `li${i}@recover.example`,
          subject: `left ${i}`,
          messageId: `left-two-${i}@recover.example`,
        }),
      ),
    );
    const a = queue();
    const b = queue();
    const found = await Promise.all([a.recover(0), b.recover(0)]);
    expect(found.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(3);
    for (const [i, l] of left.entries()) {
      expect((await statusOf(l.inboundId)).status).toBe('threaded');
      expect(await emailsWith(`left-two-${i + 1}@recover.example`)).toHaveLength(1);
    }
    await Promise.all([a.close(), b.close()]);
  });

  it('lists a left message whose raw bytes are gone as needing attention', async () => {
    const left = await receivedOnly({ from: 'gone@recover.example', subject: 'bytes lost' });
    await deps.files.remove(left.rawSha256);
    const next = queue();
    await next.recover(0);
    const row = await statusOf(left.inboundId);
    expect(row.status).toBe('needs_attention');
    expect(row.reason).toMatch(/missing from the file store/);
    await next.close();
  });

  it('acknowledges before filing and still files in arrival order', async () => {
    const q = queue();
    const original = q.accept(
      buildMail({ from: 'zhao@order.example', subject: '蓝屏', messageId: 'order-1@order.example' }),
      'smtp:198.51.100.1',
    );
    const reply = q.accept(
      buildMail({
        from: 'zhao@order.example',
        subject: 'RE: 蓝屏',
        messageId: 'order-2@order.example',
        inReplyTo: 'order-1@order.example',
        references: ['order-1@order.example'],
      }),
      'smtp:198.51.100.1',
    );
    const acks = await Promise.all([original, reply]);
    expect(acks.map((a) => a.status)).toEqual(['accepted', 'accepted']);
    // A second delivery is known at intake already.
    const again: IngestOutcome | { status: 'accepted' } = await q.accept(
      buildMail({ from: 'zhao@order.example', subject: '蓝屏', messageId: 'order-1@order.example' }),
      'smtp:198.51.100.1',
    );
    expect(again.status).toBe('duplicate');
    await q.drain();
    const [first] = await emailsWith('order-1@order.example');
    const [second] = await emailsWith('order-2@order.example');
    expect(first?.case_id).toBeTruthy();
    expect(second?.case_id).toBe(first?.case_id);
    await q.close();
  });
});

describe('intake failures', () => {
  it('acknowledges nothing and records nothing when the bytes cannot be stored', async () => {
    const failing: IngestDeps = {
      ...deps,
      files: { ...deps.files, putMany: async () => Promise.reject(new Error('disk full')) },
    };
    const q = createIngestQueue(failing, { acknowledge: 'stored', parse });
    await expect(
      q.accept(
        buildMail({ from: 'a@full.example', subject: 'lost?', messageId: 'full-1@full.example' }),
        'smtp:x',
      ),
    ).rejects.toThrow(/disk full/);
    const rows = await database.db
      .selectFrom('inbound_messages')
      .select('id')
      .where('message_id', '=', 'full-1@full.example')
      .execute();
    expect(rows).toEqual([]); // the sender was told 451 and keeps the message
    await q.close();
  });

  it('lists a received message that cannot be filed as needing attention and files the rest', async () => {
    const good = await prepareRaw(
      deps,
      buildMail({ from: 'ok@fail.example', subject: 'fine', messageId: 'f-1@fail.example' }),
      'smtp:x',
    );
    const bad = await prepareRaw(
      deps,
      buildMail({ from: 'ok@fail.example', subject: 'broken', messageId: 'f-2@fail.example' }),
      'smtp:x',
    );
    const intake = await claimPrepared(deps, [good, bad]);
    const claimed = intake.map((i) => ('claimed' in i ? i.claimed : null));
    const [first, second] = claimed;
    if (!first || !second?.message.mail) throw new Error('not claimed');
    // PostgreSQL refuses a NUL character in text: the filing transaction fails for this message.
    second.message.mail.subject = 'broken\u0000subject';
    const outcomes = await fileClaimed(deps, [first, second]);
    expect(outcomes.map((o) => o.status)).toEqual(['threaded', 'needs_attention']);
    const row = await statusOf(second.inboundId);
    expect(row.status).toBe('needs_attention');
    expect(row.reason).toMatch(/could not be filed/);
    expect((await statusOf(first.inboundId)).status).toBe('threaded');
  });
});
