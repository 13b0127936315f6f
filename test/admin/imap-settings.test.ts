import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, createEngineer } from '../../src/auth/engineers.repo.js';
import { type InboundRunning, startInbound } from '../../src/mail/inbound/start-inbound.js';
import { fixedClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { buildApp } from '../../src/platform/http/app.js';
import { type Dovecot, dovecotBinary, startDovecot } from '../mail/dovecot-server.js';
import { buildMail } from '../mail/mail-builder.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';

const skip = !dovecotBinary && !process.env.CI;
if (skip)
  console.warn('IMAP settings test skipped: dovecot is not installed (apt-get install dovecot-imapd)');

type MailboxView = { id: string; mailbox: string; status: { running: boolean; lastUid: number | null } };

describe.skipIf(skip)('IMAP mailboxes edited by an admin (dovecot)', () => {
  let dovecot: Dovecot;
  let database: TestDatabase;
  let app: FastifyInstance;
  let inbound: InboundRunning;
  let admin: { authorization: string };

  const deliver = async (box: string, id: string) => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await c.connect();
    try {
      await c.mailboxCreate(box).catch(() => undefined);
      await c.append(
        box,
        buildMail({ from: 'li@bank.example', subject: `message ${id}`, messageId: `${id}@bank.example` }),
      );
    } finally {
      await c.logout();
    }
  };
  const mailboxes = async (): Promise<MailboxView[]> =>
    (await app.inject({ method: 'GET', url: '/api/v1/mail/settings', headers: admin })).json().imap.mailboxes;
  const stored = async (messageId: string) =>
    Boolean(
      await database.db
        .selectFrom('inbound_messages')
        .select('id')
        .where('message_id', '=', messageId)
        .executeTakeFirst(),
    );
  const until = async (check: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    dovecot = await startDovecot();
    database = await openTestDatabase();
    const deps = {
      db: database.db,
      clock: fixedClock('2026-05-06T02:00:00Z'),
      config: loadConfig({}, { imapPollSeconds: 5 }),
      files: createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-imap-settings-'))),
    };
    app = await buildApp(deps);
    const engineer = await createEngineer(database.db, { name: 'Admin', role: 'admin' });
    admin = { authorization: `Bearer ${(await createApiToken(database.db, engineer.id, 't')).token}` };
    inbound = await startInbound(deps, () => undefined);
  });
  afterAll(async () => {
    await inbound?.stop();
    await app?.close();
    await dovecot?.stop();
    await database?.drop();
  });

  it('starts a poller for an added mailbox and restarts it when the mailbox changes', async () => {
    expect(inbound.lines).toEqual([]);
    const box = {
      host: '127.0.0.1',
      port: dovecot.port,
      tls: false,
      user: dovecot.user,
      password: dovecot.password,
    };
    await deliver('INBOX', 'first');
    const added = await app.inject({
      method: 'PUT',
      url: '/api/v1/mail/settings',
      headers: admin,
      payload: { imapMailboxes: [{ ...box, mailbox: 'INBOX' }] },
    });
    expect(added.statusCode).toBe(200);
    expect(added.body).not.toContain(dovecot.password);
    await until(() => stored('first@bank.example'), 'the INBOX message');
    await until(async () => (await mailboxes())[0]?.status.lastUid === 1, 'the cursor');
    expect((await mailboxes())[0]?.status.running).toBe(true);

    await deliver('Support', 'second');
    const [current] = await mailboxes();
    const changed = await app.inject({
      method: 'PUT',
      url: '/api/v1/mail/settings',
      headers: admin,
      // No password: the stored one is kept.
      payload: { imapMailboxes: [{ id: current?.id, ...box, password: undefined, mailbox: 'Support' }] },
    });
    expect(changed.statusCode).toBe(200);
    await until(() => stored('second@bank.example'), 'the Support message');
    const after = await mailboxes();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ mailbox: 'Support', status: { running: true } });

    const disabled = await app.inject({
      method: 'PUT',
      url: '/api/v1/mail/settings',
      headers: admin,
      payload: {
        imapMailboxes: [{ id: current?.id, ...box, password: undefined, mailbox: 'Support', enabled: false }],
      },
    });
    expect(disabled.json().imap.mailboxes[0]).toMatchObject({ enabled: false, status: { running: false } });
  });
});
