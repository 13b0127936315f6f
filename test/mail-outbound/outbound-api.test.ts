import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, createEngineer } from '../../src/auth/engineers.repo.js';
import { fixedClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { buildApp } from '../../src/platform/http/app.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { customerMessageId, seedCase } from './support/case-fixture.js';

let database: TestDatabase;
let app: FastifyInstance;
let adminAuth: { authorization: string };
let engineerAuth: { authorization: string };
let caseNumber: string;
const clock = fixedClock('2026-05-06T02:00:00Z');

beforeAll(async () => {
  database = await openTestDatabase();
  const config = loadConfig(
    {},
    { trackingPrefix: 'CMIT', mailFrom: 'support@vendor.example', mailLocale: 'en' },
  );
  const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-outbound-api-')));
  app = await buildApp({ db: database.db, clock, config, files });
  const seeded = await seedCase(database.db, clock);
  caseNumber = seeded.caseNumber;
  await database.db
    .updateTable('engineers')
    .set({ role: 'admin' })
    .where('id', '=', seeded.engineer.id)
    .execute();
  adminAuth = {
    authorization: `Bearer ${(await createApiToken(database.db, seeded.engineer.id, 't')).token}`,
  };
  const plain = await createEngineer(database.db, { name: 'Jia Wei' });
  engineerAuth = { authorization: `Bearer ${(await createApiToken(database.db, plain.id, 't')).token}` };
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('POST /api/v1/cases/{n}/replies', () => {
  it('queues a reply with a base64 attachment and shows it on the timeline, not sent without SMTP', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/replies`,
      headers: engineerAuth,
      payload: {
        to: ['Wang Li <wang.li@icbc.com.cn>'],
        text: 'Please run the attached collector.',
        attachments: [
          {
            filename: 'collector.ps1',
            contentType: 'text/plain',
            contentBase64: Buffer.from('Get-FileHash').toString('base64'),
          },
        ],
        stage: 'Scope agreement',
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.email).toMatchObject({
      direction: 'outbound',
      to: [{ name: 'Wang Li', address: 'wang.li@icbc.com.cn' }],
      inReplyTo: customerMessageId,
      attachments: [{ filename: 'collector.ps1', contentType: 'text/plain', size: 12 }],
    });
    expect(body.email.subject).toMatch(
      /^\[Case:\u2009CAS-\d{5}-[0-9A-Z]{6}\u2009\] %\u2009\|P3\|ICBC\|补丁更新失败\u2009% Scope agreement CMIT:\d{7}$/,
    );
    expect(body.payload.delivery).toMatchObject({
      state: 'pending',
      summary: 'not sent: no SMTP server configured',
    });
    const detail = (
      await app.inject({ method: 'GET', url: `/api/v1/cases/${caseNumber}`, headers: engineerAuth })
    ).json();
    expect(detail).toMatchObject({
      status: 'in_progress',
      stage: 'Scope agreement',
      firstResponseAt: clock.now().toISOString(),
    });
    // The sent attachment can be opened from the timeline, like a received one.
    const sha = body.email.attachments[0].sha256;
    const file = await app.inject({
      method: 'GET',
      url: `/api/v1/emails/${body.id}/files/${sha}`,
      headers: engineerAuth,
    });
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('Get-FileHash');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename=.*collector\.ps1/);
  });

  it('refuses attachments over 20 MB in all with a clear error and stores no email', async () => {
    const before = (
      await app.inject({ method: 'GET', url: `/api/v1/cases/${caseNumber}`, headers: engineerAuth })
    ).json().timeline.length;
    const half = Buffer.alloc(10 * 1024 * 1024 + 1, 7).toString('base64');
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseNumber}/replies`,
      headers: engineerAuth,
      payload: {
        to: ['wang.li@icbc.com.cn'],
        text: 'Two big files',
        attachments: [
          { filename: 'a.bin', contentBase64: half },
          { filename: 'b.bin', contentBase64: half },
        ],
      },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'mail.attachments_too_large' });
    expect(res.json().detail).toMatch(/at most 20971520 bytes per reply/);
    const after = (
      await app.inject({ method: 'GET', url: `/api/v1/cases/${caseNumber}`, headers: engineerAuth })
    ).json().timeline.length;
    expect(after).toBe(before);
  });

  it('answers clearly: unknown case, no recipients, bad address, nothing to say', async () => {
    const post = (url: string, payload: object) =>
      app.inject({ method: 'POST', url, headers: engineerAuth, payload });
    const unknown = await post('/api/v1/cases/CAS-99999-ZZZZZZ/replies', { to: ['a@b.cn'], text: 'x' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'case.not_found' });
    const none = await post(`/api/v1/cases/${caseNumber}/replies`, { to: [], text: 'x' });
    expect(none.statusCode).toBe(400);
    const bad = await post(`/api/v1/cases/${caseNumber}/replies`, { to: ['wang.li@'], text: 'x' });
    expect(bad.json()).toMatchObject({
      status: 400,
      code: 'mail.bad_address',
      detail: 'Not an email address in to: "wang.li@"',
    });
    const empty = await post(`/api/v1/cases/${caseNumber}/replies`, { to: ['a@b.cn'], text: '  ' });
    expect(empty.json()).toMatchObject({ status: 400, code: 'mail.empty_reply' });
  });
});

describe('GET /api/v1/outbox', () => {
  it('lists outgoing mail with its delivery state, for admins only', async () => {
    const forbidden = await app.inject({ method: 'GET', url: '/api/v1/outbox', headers: engineerAuth });
    expect(forbidden.statusCode).toBe(403);
    const res = await app.inject({ method: 'GET', url: '/api/v1/outbox?state=pending', headers: adminAuth });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        caseNumber,
        to: ['wang.li@icbc.com.cn'],
        state: 'pending',
        delivery: expect.objectContaining({ summary: 'not sent: no SMTP server configured' }),
      }),
    ]);
    const sent = await app.inject({ method: 'GET', url: '/api/v1/outbox?state=sent', headers: adminAuth });
    expect(sent.json().items).toEqual([]);
    const id = res.json().items[0].id;
    const retry = await app.inject({ method: 'POST', url: `/api/v1/outbox/${id}/retry`, headers: adminAuth });
    expect(retry.statusCode).toBe(409);
    expect(retry.json().code).toBe('outbox.not_requeueable');
  });
});
