import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/accounts/accounts.repo.js';
import { createEngineer } from '../../src/auth/engineers.repo.js';
import { type IngestDeps, ingestRawMessage } from '../../src/mail/inbound/ingest-pipeline.js';
import { fixedClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { buildApp } from '../../src/platform/http/app.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { buildMail } from './mail-builder.js';

let database: TestDatabase;
let app: FastifyInstance;
let deps: IngestDeps;
let cookie = '';
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const htmlMail = Buffer.from(
  [
    'From: Wang <wang@acme.example>',
    'To: support@casedesk.test',
    'Subject: Screenshot of the error',
    'Message-ID: <html-1@acme.example>',
    'Date: Wed, 06 May 2026 09:00:00 +0800',
    'MIME-Version: 1.0',
    'Content-Type: multipart/related; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p onclick="steal()">See <img src="cid:shot@acme"> and <img src="https://tracker.example/p.gif"></p><script>alert(1)</script>',
    '<p>-----Original Message-----</p>',
    '--b1',
    'Content-Type: image/png; name="shot.png"',
    'Content-ID: <shot@acme>',
    'Content-Disposition: inline; filename="shot.png"',
    'Content-Transfer-Encoding: base64',
    '',
    png.toString('base64'),
    '--b1',
    'Content-Type: text/plain; name="日志.txt"',
    "Content-Disposition: attachment; filename*=UTF-8''%E6%97%A5%E5%BF%97.txt",
    '',
    'CBS log line',
    '--b1--',
    '',
  ].join('\r\n'),
);

beforeAll(async () => {
  database = await openTestDatabase();
  const config = loadConfig({}, { trackingPrefix: 'CMIT' });
  const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-inapi-')));
  const clock = fixedClock('2026-05-06T02:00:00Z');
  app = await buildApp({ db: database.db, clock, config, files });
  deps = { db: database.db, files, clock, trackingPrefix: 'CMIT' };
  await createEngineer(database.db, {
    name: 'Li Qi',
    email: 'li.qi@vendor.example',
    role: 'admin',
    password: 'correct horse',
  });
  await createAccount(database.db, { name: 'ACME', domains: ['acme.example'] });
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { login: 'Li Qi', password: 'correct horse' },
  });
  cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });

describe('inbound mail API', () => {
  it('needs a signed-in engineer', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/mail/review' })).statusCode).toBe(401);
  });

  it('serves an email as sanitized HTML with cid: images from the case and remote images blocked unless asked', async () => {
    const outcome = await ingestRawMessage(deps, htmlMail, 'test');
    if (outcome.status !== 'threaded') throw new Error(outcome.status);
    const res = await get(`/api/v1/emails/${outcome.activityId}/html`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.html).not.toMatch(/script|onclick|tracker\.example"/);
    const sha = createHash('sha256').update(png).digest('hex');
    expect(body.html).toContain(`src="/api/v1/emails/${outcome.activityId}/files/${sha}"`);
    expect(body.attachments.map((a: { filename: string }) => a.filename)).toEqual(['shot.png', '日志.txt']);
    const remote = (await get(`/api/v1/emails/${outcome.activityId}/html?remoteImages=true`)).json();
    expect(remote.html).toContain('https://tracker.example/p.gif');

    const image = await get(`/api/v1/emails/${outcome.activityId}/files/${sha}`);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.rawPayload.equals(png)).toBe(true);
    const textFile = body.attachments[1] as { url: string };
    const download = await get(textFile.url);
    expect(download.headers['content-disposition']).toMatch(
      /^attachment; .*filename\*=UTF-8''%E6%97%A5%E5%BF%97\.txt/,
    );
    expect(download.headers['content-type']).toBe('application/octet-stream');
    const raw = await get(`/api/v1/emails/${outcome.activityId}/raw`);
    expect(raw.rawPayload.equals(htmlMail)).toBe(true);
  });

  it('stores the text once and serves what the sender wrote apart from the quoted history', async () => {
    const reply = Buffer.from(
      [
        'From: Wang <wang@acme.example>',
        'To: support@casedesk.test',
        'Subject: 答复: 补丁更新失败',
        'Message-ID: <reply-split@acme.example>',
        'Date: Wed, 06 May 2026 10:00:00 +0800',
        'Content-Type: text/plain; charset=utf-8',
        '',
        '已按步骤执行，日志见附件。',
        '',
        '-----原始邮件-----',
        '发件人: Li Qi <li.qi@vendor.example>',
        '主题: 补丁更新失败',
        '',
        '请执行 DISM /RestoreHealth。',
        '',
      ].join('\r\n'),
    );
    const outcome = await ingestRawMessage(deps, reply, 'test');
    if (outcome.status !== 'threaded') throw new Error(outcome.status);
    const stored = await database.db
      .selectFrom('inbound_emails')
      .select(['fresh_text', 'quoted_text'])
      .where('activity_id', '=', outcome.activityId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ fresh_text: null, quoted_text: null }); // the text is in emails.text_body only
    const body = (await get(`/api/v1/emails/${outcome.activityId}/html`)).json();
    expect(body.fresh).toBe('已按步骤执行，日志见附件。');
    expect(body.quoted).toMatch(/^-----原始邮件-----\n发件人: Li Qi/);
    expect(body.quoted).toContain('请执行 DISM /RestoreHealth。');
  });

  it('never serves a file through an email it does not belong to', async () => {
    const a = await ingestRawMessage(deps, htmlMail, 'test');
    const other = await ingestRawMessage(
      deps,
      buildMail({ from: 'b@acme.example', subject: 'plain', messageId: 'plain@acme.example' }),
      'test',
    );
    if (other.status !== 'threaded') throw new Error(other.status);
    const sha = createHash('sha256').update(png).digest('hex');
    expect(a.status).toBe('duplicate');
    expect((await get(`/api/v1/emails/${other.activityId}/files/${sha}`)).statusCode).toBe(404);
    expect(
      (
        await get(
          `/api/v1/emails/${other.activityId}/files/${createHash('sha256').update(htmlMail).digest('hex')}`,
        )
      ).statusCode,
    ).toBe(404);
  });

  it('lists the review queue and files a held message onto a case, or dismisses it', async () => {
    const first = await ingestRawMessage(
      deps,
      buildMail({ from: 'c@acme.example', subject: 'Router', messageId: 'r-1@acme.example' }),
      'test',
    );
    if (first.status !== 'threaded') throw new Error(first.status);
    await ingestRawMessage(
      deps,
      buildMail({
        from: 'x@stranger.example',
        subject: `Re: [Case: ${first.caseNumber}] Router`,
        messageId: 'r-2@stranger.example',
      }),
      'test',
    );
    const queue = (await get('/api/v1/mail/review')).json().items;
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({
      from: 'x@stranger.example',
      namedCase: first.caseNumber,
      status: 'review',
    });
    const attach = await app.inject({
      method: 'POST',
      url: `/api/v1/mail/inbound/${queue[0].id}/attach`,
      headers: { cookie },
      payload: { caseNumber: first.caseNumber },
    });
    expect(attach.statusCode).toBe(200);
    expect(attach.json()).toMatchObject({ status: 'threaded', caseNumber: first.caseNumber, via: 'manual' });
    expect((await get('/api/v1/mail/review')).json().items).toEqual([]);
    const item = (await get(`/api/v1/mail/inbound/${queue[0].id}`)).json();
    expect(item.resolution).toMatch(/attached to .* by Li Qi/);
    // Vouched for once, the stranger's next reply threads by itself.
    const next = await ingestRawMessage(
      deps,
      buildMail({
        from: 'x@stranger.example',
        subject: `Re: [Case: ${first.caseNumber}] Router`,
        messageId: 'r-3@stranger.example',
      }),
      'test',
    );
    expect(next).toMatchObject({ status: 'threaded', caseNumber: first.caseNumber });
  });

  it('lists mail that needs attention and serves its raw bytes', async () => {
    const junk = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    await ingestRawMessage(deps, junk, 'import:junk.msg');
    const items = (await get('/api/v1/mail/attention')).json().items;
    const mine = items.find((i: { source: string }) => i.source === 'import:junk.msg');
    expect(mine.reason).toMatch(/could not be read/);
    const raw = await get(`/api/v1/mail/inbound/${mine.id}/raw`);
    expect(raw.rawPayload.equals(junk)).toBe(true);
    const dismiss = await app.inject({
      method: 'POST',
      url: `/api/v1/mail/inbound/${mine.id}/dismiss`,
      headers: { cookie },
      payload: { note: 'not mail' },
    });
    expect(dismiss.statusCode).toBe(204);
  });
});
