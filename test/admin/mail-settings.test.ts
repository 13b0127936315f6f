import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, createEngineer } from '../../src/auth/engineers.repo.js';
import { outboxTask } from '../../src/mail/outbound/outbox-task.js';
import { fixedClock } from '../../src/platform/clock.js';
import { type Config, loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { buildApp } from '../../src/platform/http/app.js';
import type { AppDeps } from '../../src/platform/http/app-deps.js';
import { seedCase } from '../mail-outbound/support/case-fixture.js';
import { type SmtpSink, startSmtpSink } from '../mail-outbound/support/smtp-sink.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';

const clock = fixedClock('2026-05-06T02:00:00Z');
const secret = 'S3cret-smtp-pass';

type Auth = { authorization: string };
type Setup = { database: TestDatabase; app: FastifyInstance; deps: AppDeps; admin: Auth; engineer: Auth };

async function setup(config: Config): Promise<Setup & { caseNumber: string }> {
  const database = await openTestDatabase();
  const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-mail-settings-')));
  const deps: AppDeps = { db: database.db, clock, config, files };
  const app = await buildApp(deps);
  const seeded = await seedCase(database.db, clock);
  await database.db
    .updateTable('engineers')
    .set({ role: 'admin' })
    .where('id', '=', seeded.engineer.id)
    .execute();
  const admin = {
    authorization: `Bearer ${(await createApiToken(database.db, seeded.engineer.id, 't')).token}`,
  };
  const plain = await createEngineer(database.db, { name: 'Jia Wei' });
  const engineer = { authorization: `Bearer ${(await createApiToken(database.db, plain.id, 't')).token}` };
  return { database, app, deps, admin, engineer, caseNumber: seeded.caseNumber };
}

describe('mail settings API', () => {
  let s: Setup & { caseNumber: string };
  let sink: SmtpSink;
  beforeAll(async () => {
    s = await setup(loadConfig({}, { mailFrom: 'Support <support@vendor.example>', mailLocale: 'en' }));
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
    await s.app.close();
    await s.database.drop();
  });

  const put = (payload: unknown, headers = s.admin) =>
    s.app.inject({ method: 'PUT', url: '/api/v1/mail/settings', headers, payload: payload as object });

  it('is for admins only: engineers get 403 on read, change and test mail', async () => {
    const get = await s.app.inject({ method: 'GET', url: '/api/v1/mail/settings', headers: s.engineer });
    expect(get.statusCode).toBe(403);
    expect((await put({ from: 'x@vendor.example' }, s.engineer)).statusCode).toBe(403);
    const test = await s.app.inject({
      method: 'POST',
      url: '/api/v1/mail/settings/test',
      headers: s.engineer,
      payload: { to: 'a@b.example' },
    });
    expect(test.statusCode).toBe(403);
    const anonymous = await s.app.inject({ method: 'GET', url: '/api/v1/mail/settings' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('shows the environment when nothing is stored', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/mail/settings', headers: s.admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      outbound: { source: 'environment', configured: false, host: null, passwordSet: false },
      from: {
        source: 'environment',
        value: 'Support <support@vendor.example>',
        address: 'support@vendor.example',
      },
      imap: { source: 'environment', mailboxes: [] },
      listener: { enabled: false, port: null },
      outbox: { pending: 0, sent: 0 },
      updatedAt: null,
    });
  });

  it('refuses bad values with a clear error and stores nothing', async () => {
    const badFrom = await put({ from: 'not an address' });
    expect(badFrom.statusCode).toBe(400);
    expect(badFrom.json()).toMatchObject({ code: 'mail.bad_from' });
    const noPassword = await put({ imapMailboxes: [{ host: 'imap.example', user: 'box@vendor.example' }] });
    expect(noPassword.statusCode).toBe(400);
    expect(noPassword.json()).toMatchObject({ code: 'mail.mailbox_password' });
    const badPort = await put({ outbound: { host: 'relay', port: 70000 } });
    expect(badPort.statusCode).toBe(400);
    const moveWithoutFolder = await put({
      imapMailboxes: [{ host: 'imap.example', user: 'u', password: 'p', afterProcessing: 'move' }],
    });
    expect(moveWithoutFolder.statusCode).toBe(400);
    const after = await s.app.inject({ method: 'GET', url: '/api/v1/mail/settings', headers: s.admin });
    expect(after.json().updatedAt).toBeNull();
  });

  it('never returns a password; leaving it out keeps it, null clears it', async () => {
    const set = await put({
      outbound: { host: '127.0.0.1', port: 2599, tls: 'none', user: 'relay-user', password: secret },
    });
    expect(set.statusCode).toBe(200);
    expect(set.body).not.toContain(secret);
    expect(set.json().outbound).toMatchObject({
      source: 'stored',
      configured: true,
      host: '127.0.0.1',
      port: 2599,
      user: 'relay-user',
      passwordSet: true,
    });
    const kept = await put({ outbound: { host: '127.0.0.1', port: 2598, tls: 'none', user: 'relay-user' } });
    expect(kept.json().outbound).toMatchObject({ port: 2598, passwordSet: true });
    const stored = await s.database.db
      .selectFrom('mail_settings')
      .select('outbound')
      .executeTakeFirstOrThrow();
    expect(stored.outbound?.password).toBe(secret);
    const cleared = await put({
      outbound: { host: '127.0.0.1', port: 2598, tls: 'none', user: 'relay-user', password: null },
    });
    expect(cleared.json().outbound).toMatchObject({ passwordSet: false });
    const read = await s.app.inject({ method: 'GET', url: '/api/v1/mail/settings', headers: s.admin });
    expect(read.body).not.toContain(secret);
  });

  it('sends mail that waited for an SMTP server once one is configured, without a restart', async () => {
    await put({ outbound: null });
    const reply = await s.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${s.caseNumber}/replies`,
      headers: s.engineer,
      payload: { to: ['Wang Li <wang.li@icbc.com.cn>'], text: 'Please run the collector.' },
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.json().payload.delivery).toMatchObject({ summary: 'not sent: no SMTP server configured' });
    const task = outboxTask(s.deps);
    await task.run();
    expect(sink.received).toHaveLength(0);

    const configured = await put({
      outbound: { host: '127.0.0.1', port: sink.port, tls: 'none' },
      from: 'Vendor Support <help@vendor.example>',
    });
    expect(configured.json()).toMatchObject({
      outbound: { source: 'stored', configured: true, port: sink.port },
      from: { source: 'stored', address: 'help@vendor.example' },
      outbox: { pending: 1 },
    });
    await task.run();
    expect(sink.accepted).toHaveLength(1);
    expect(sink.accepted[0]?.from).toBe('help@vendor.example');
    expect(sink.accepted[0]?.to).toEqual(['wang.li@icbc.com.cn']);
    const after = await s.app.inject({ method: 'GET', url: '/api/v1/mail/settings', headers: s.admin });
    expect(after.json().outbox).toMatchObject({ pending: 0, sent: 1 });
    expect(after.json().updatedBy).toBe('Li Qi');
  });

  it('sends a test mail through the server in force and reports a failure plainly', async () => {
    const ok = await s.app.inject({
      method: 'POST',
      url: '/api/v1/mail/settings/test',
      headers: s.admin,
      payload: { to: 'admin@vendor.example' },
    });
    expect(ok.json()).toMatchObject({ sent: true, error: null });
    const last = sink.accepted.at(-1);
    expect(last?.to).toEqual(['admin@vendor.example']);
    expect(last?.raw.toString()).toContain('Subject: CaseDesk test mail');

    const closedPort = sink.port === 1 ? 2 : 1;
    await put({ outbound: { host: '127.0.0.1', port: closedPort, tls: 'none' } });
    const failed = await s.app.inject({
      method: 'POST',
      url: '/api/v1/mail/settings/test',
      headers: s.admin,
      payload: { to: 'admin@vendor.example' },
    });
    expect(failed.json()).toMatchObject({ sent: false, response: null });
    expect(failed.json().error).toBeTruthy();
  });

  it('goes back to the environment when a section is reset', async () => {
    const reset = await put({ outbound: null, from: null });
    expect(reset.json()).toMatchObject({
      outbound: { source: 'environment', configured: false },
      from: { source: 'environment', address: 'support@vendor.example' },
    });
    const noSmtp = await s.app.inject({
      method: 'POST',
      url: '/api/v1/mail/settings/test',
      headers: s.admin,
      payload: { to: 'admin@vendor.example' },
    });
    expect(noSmtp.statusCode).toBe(400);
    expect(noSmtp.json()).toMatchObject({ code: 'mail.no_smtp' });
  });
});

describe('mail settings from the environment', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup(
      loadConfig({
        CASEDESK_SMTP_OUT_HOST: 'relay.vendor.example',
        CASEDESK_SMTP_OUT_TLS: 'tls',
        CASEDESK_SMTP_OUT_USER: 'env-user',
        CASEDESK_SMTP_OUT_PASSWORD: secret,
        CASEDESK_IMAP_MAILBOXES: JSON.stringify([
          { host: 'imap.vendor.example', user: 'support@vendor.example', password: 'imap-env-pass' },
        ]),
      }),
    );
  });
  afterAll(async () => {
    await s.app.close();
    await s.database.drop();
  });

  it('shows environment values without passwords, and keeps their passwords when an admin saves them', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/mail/settings', headers: s.admin });
    expect(res.body).not.toContain(secret);
    expect(res.body).not.toContain('imap-env-pass');
    const view = res.json();
    expect(view.outbound).toMatchObject({
      source: 'environment',
      host: 'relay.vendor.example',
      port: 465,
      tls: 'tls',
      user: 'env-user',
      passwordSet: true,
    });
    expect(view.imap.mailboxes).toMatchObject([
      {
        host: 'imap.vendor.example',
        port: 993,
        user: 'support@vendor.example',
        passwordSet: true,
        enabled: true,
      },
    ]);
    const { id } = view.imap.mailboxes[0];
    const saved = await s.app.inject({
      method: 'PUT',
      url: '/api/v1/mail/settings',
      headers: s.admin,
      payload: {
        imapMailboxes: [{ id, host: 'imap.vendor.example', user: 'support@vendor.example', enabled: false }],
      },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().imap).toMatchObject({
      source: 'stored',
      mailboxes: [{ enabled: false, passwordSet: true }],
    });
    const row = await s.database.db
      .selectFrom('mail_settings')
      .select('imap_mailboxes')
      .executeTakeFirstOrThrow();
    expect(row.imap_mailboxes?.[0]?.password).toBe('imap-env-pass');
    expect(saved.json().outbound.source).toBe('environment');
  });
});
