import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMail } from '../../src/mail/inbound/import-mail.js';
import type { IngestDeps } from '../../src/mail/inbound/ingest-pipeline.js';
import { createParsePool } from '../../src/mail/inbound/parse-pool.js';
import type { MailExpectation } from '../../src/mail/parse/fixture-expectation.js';
import { parseMessage } from '../../src/mail/parse/parse-message.js';
import { fixedClock } from '../../src/platform/clock.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { buildMail } from './mail-builder.js';

const root = join(import.meta.dirname, '..', 'fixtures', 'emails');
const fixtures = readdirSync(root)
  .filter((d) => d !== 'expected' && statSync(join(root, d)).isDirectory())
  .flatMap((d) => readdirSync(join(root, d)).map((name) => join(d, name)));

let database: TestDatabase;
let deps: IngestDeps;

beforeAll(async () => {
  database = await openTestDatabase();
  deps = {
    db: database.db,
    files: createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-import-'))),
    clock: fixedClock('2026-05-06T02:00:00Z'),
    trackingPrefix: 'CMIT',
  };
});
afterAll(async () => {
  await database.drop();
});

describe('import-mail', () => {
  it('ingests every real-world fixture without loss: raw kept, text, sender and attachments as expected', async () => {
    const summary = await importMail(deps, [root]);
    expect(summary).toMatchObject({ files: fixtures.length, messages: fixtures.length, failedFiles: [] });
    // Six fixtures are other test suites' mutations of one message (same Message-ID, sender and Date):
    // recorded as further deliveries of it, not as new mail.
    expect(summary.duplicates).toBe(6);
    expect(summary.stored + summary.duplicates).toBe(fixtures.length);
    expect(summary.newCases + summary.threaded + summary.review + summary.needsAttention).toBe(
      summary.stored,
    );

    for (const file of fixtures) {
      const raw = readFileSync(join(root, file));
      const sha = createHash('sha256').update(raw).digest('hex');
      const expected = JSON.parse(
        readFileSync(join(root, 'expected', `${file}.json`), 'utf8'),
      ) as MailExpectation;
      const record = await database.db
        .selectFrom('inbound_messages')
        .selectAll()
        .where('raw_sha256', '=', sha)
        .executeTakeFirstOrThrow();
      expect(await deps.files.has(sha), file).toBe(true);
      expect(record.source).toBe(`import:${join(root, file)}`);
      if (record.status === 'duplicate') {
        const original = await database.db
          .selectFrom('inbound_messages')
          .select(['message_id', 'status'])
          .where('id', '=', record.duplicate_of as string)
          .executeTakeFirstOrThrow();
        expect(original.message_id, file).toBe(record.message_id);
        continue;
      }
      if (!expected.ok) {
        expect(record.status, file).toBe('needs_attention');
        continue;
      }
      if (record.status !== 'threaded') {
        // Only mail without a usable sender, or automatic replies matching no case, is held back.
        expect(record.status, file).toBe('needs_attention');
        expect(record.reason, file).toMatch(/sender|automatic reply/);
        continue;
      }
      const email = await database.db
        .selectFrom('emails')
        .selectAll()
        .where('activity_id', '=', record.activity_id as string)
        .executeTakeFirstOrThrow();
      expect(email.subject, file).toBe(expected.subject ?? '');
      expect(email.from_address, file).toBe(expected.from?.address.toLowerCase());
      // The text as parsed (checked against the expectation), less NUL characters PostgreSQL cannot store.
      const parsed = await parseMessage(raw);
      const text = parsed.ok ? parsed.message.text : '';
      expect(createHash('sha256').update(text).digest('hex'), file).toBe(expected.textSha256);
      expect(email.text_body, file).toBe(text.replaceAll('\0', ''));
      const files = await database.db
        .selectFrom('email_files')
        .select(['filename', 'size', 'sha256'])
        .where('activity_id', '=', record.activity_id as string)
        .orderBy('position')
        .execute();
      expect(files, file).toEqual(expected.attachments);
      for (const f of files) expect(await deps.files.has(f.sha256), `${file}: ${f.filename}`).toBe(true);
    }
  });

  it('imports an mbox, threads its replies, and a second import stores nothing new', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cd-mbox-'));
    const mbox = join(dir, 'archive.mbox');
    const messages = [
      buildMail({
        from: 'a@mbox.example',
        subject: 'Thread A',
        messageId: 'a1@mbox.example',
        body: 'From the start',
      }),
      buildMail({
        from: 'a@mbox.example',
        subject: 'Re: Thread A',
        messageId: 'a2@mbox.example',
        inReplyTo: 'a1@mbox.example',
      }),
      buildMail({ from: 'b@mbox.example', subject: 'Thread B', messageId: 'b1@mbox.example' }),
    ];
    const escaped = (m: Buffer) => m.toString('latin1').replace(/^From /gm, '>From ');
    writeFileSync(
      mbox,
      Buffer.from(
        messages.map((m) => `From sender@x Wed May  6 09:00:00 2026\r\n${escaped(m)}\r\n`).join(''),
        'latin1',
      ),
    );
    const first = await importMail(deps, [mbox]);
    expect(first).toMatchObject({
      files: 1,
      messages: 3,
      stored: 3,
      newCases: 2,
      threaded: 1,
      duplicates: 0,
    });
    const again = await importMail(deps, [dir]);
    expect(again).toMatchObject({ messages: 3, stored: 0, duplicates: 3 });
  });

  it('threads replies parsed in worker threads onto their parent, within a batch and across batches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cd-batches-'));
    // 40 threads of a question and two replies, in arrival order; batches of 7 split some threads.
    const threads = 40;
    for (let t = 0; t < threads; t++) {
      const id = (k: number) => `t${t}-${k}@batch.example`;
      const mails = [
        buildMail({
          from: `c${t}@batch.example`,
          subject: `Question ${t}`,
          messageId: id(0),
          body: `问题 ${t}`,
        }),
        buildMail({
          from: `c${t}@batch.example`,
          subject: `Re: Question ${t}`,
          messageId: id(1),
          inReplyTo: id(0),
        }),
        buildMail({
          from: `c${t}@batch.example`,
          subject: `Re: Question ${t}`,
          messageId: id(2),
          inReplyTo: id(1),
        }),
      ];
      mails.forEach((m, k) => {
        writeFileSync(join(dir, `${String(t * 3 + k).padStart(4, '0')}.eml`), m);
      });
    }
    const pool = createParsePool(deps.trackingPrefix, 2);
    try {
      expect(await pool.ready()).toBe(true);
      const summary = await importMail(deps, [dir], {}, { maxBatch: 7, parse: pool.parse });
      expect(summary).toMatchObject({ messages: 120, stored: 120, newCases: threads, threaded: 80 });
    } finally {
      await pool.close();
    }
    const rows = await database.db
      .selectFrom('inbound_messages')
      .select(['message_id', 'case_id', 'status'])
      .where('message_id', 'like', '%@batch.example')
      .execute();
    const caseOf = new Map(rows.map((r) => [r.message_id, r.case_id]));
    expect(rows.every((r) => r.status === 'threaded')).toBe(true);
    for (let t = 0; t < threads; t++) {
      expect(caseOf.get(`t${t}-1@batch.example`)).toBe(caseOf.get(`t${t}-0@batch.example`));
      expect(caseOf.get(`t${t}-2@batch.example`)).toBe(caseOf.get(`t${t}-0@batch.example`));
    }
    expect(new Set(caseOf.values()).size).toBe(threads);
  });

  it('names a path that does not exist', async () => {
    await expect(importMail(deps, [join(root, 'nope.eml')])).rejects.toThrow(/No such file or directory/);
    expect(relative(root, root)).toBe('');
  });
});
