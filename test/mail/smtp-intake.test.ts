import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestDeps } from '../../src/mail/inbound/ingest-pipeline.js';
import { createIngestQueue, type IngestQueue } from '../../src/mail/inbound/ingest-queue.js';
import { type SmtpListener, startSmtpListener } from '../../src/mail/inbound/smtp-listener.js';
import { fixedClock } from '../../src/platform/clock.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';

let database: TestDatabase;
let deps: IngestDeps;
let queue: IngestQueue;
let plain: SmtpListener;
let tls: SmtpListener;
let cert: Buffer;

beforeAll(async () => {
  database = await openTestDatabase();
  deps = {
    db: database.db,
    files: createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-smtp-'))),
    clock: fixedClock('2026-05-06T02:00:00Z'),
    trackingPrefix: 'CMIT',
  };
  // As `casedesk serve` runs it: 250 once stored, filing right after.
  queue = createIngestQueue(deps, { acknowledge: 'stored' });
  plain = await startSmtpListener(queue, {
    host: '127.0.0.1',
    port: 0,
    recipients: ['support@casedesk.test', '@help.casedesk.test'],
    maxBytes: 64 * 1024,
  });
  const dir = mkdtempSync(join(tmpdir(), 'cd-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'));
  tls = await startSmtpListener(queue, {
    host: '127.0.0.1',
    port: 0,
    recipients: [],
    maxBytes: 64 * 1024,
    tls: { key: readFileSync(join(dir, 'key.pem')), cert },
  });
});
afterAll(async () => {
  await plain.close();
  await tls.close();
  await queue.close();
  await database.drop();
});

const transport = (port: number, extra: Record<string, unknown> = {}) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...extra });

describe('SMTP intake', () => {
  it('answers 250 only once the message is durably stored, then files it onto a case', async () => {
    const info = await transport(plain.port).sendMail({
      from: '王工 <wang@bank.example>',
      to: 'support@casedesk.test',
      subject: '补丁安装失败 0x800f081f',
      text: '您好，KB5000802 安装失败。',
      messageId: '<smtp-1@bank.example>',
      attachments: [{ filename: '日志.txt', content: 'CBS.log excerpt' }],
    });
    expect(info.response).toMatch(/^250 .*\((accepted|threaded)\)/);
    // By the time the client has its 250, the message is recorded and its raw bytes are on disk.
    const received = await database.db
      .selectFrom('inbound_messages')
      .selectAll()
      .where('message_id', '=', 'smtp-1@bank.example')
      .executeTakeFirstOrThrow();
    expect(['processing', 'threaded']).toContain(received.status);
    expect(received.source).toMatch(/^smtp:/);
    expect(await deps.files.has(received.raw_sha256)).toBe(true);
    await queue.drain();
    const row = await database.db
      .selectFrom('inbound_messages')
      .selectAll()
      .where('id', '=', received.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('threaded');
    const email = await database.db
      .selectFrom('emails')
      .selectAll()
      .where('activity_id', '=', row.activity_id as string)
      .executeTakeFirstOrThrow();
    expect(email.subject).toBe('补丁安装失败 0x800f081f');
    expect(email.attachments.map((a) => a.filename)).toEqual(['日志.txt']);
  });

  it('stores a second delivery of the same message once', async () => {
    const send = () =>
      transport(plain.port).sendMail({
        from: 'a@bank.example',
        to: 'x@help.casedesk.test',
        subject: 'twice',
        text: 'same',
        messageId: '<smtp-2@bank.example>',
        date: new Date('2026-05-06T01:00:00Z'),
      });
    await send();
    const second = await send();
    expect(second.response).toMatch(/^250 .*duplicate/);
    await queue.drain();
    const rows = await database.db
      .selectFrom('emails')
      .select('activity_id')
      .where('message_id', '=', 'smtp-2@bank.example')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses recipients that are not ours and messages over the size limit', async () => {
    await expect(
      transport(plain.port).sendMail({
        from: 'a@bank.example',
        to: 'someone@elsewhere.example',
        subject: 's',
        text: 't',
      }),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(
      transport(plain.port).sendMail({
        from: 'a@bank.example',
        to: 'support@casedesk.test',
        subject: 'big',
        text: 'x'.repeat(100 * 1024),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
  });

  it('takes many concurrent senders, each acknowledged after its own message is stored', async () => {
    const senders = Array.from({ length: 8 }, () => transport(plain.port, { pool: true, maxConnections: 1 }));
    await Promise.all(
      senders.flatMap((t, s) =>
        Array.from({ length: 5 }, (_, i) =>
          t.sendMail({
            from: `s${s}@bank.example`,
            to: 'support@casedesk.test',
            subject: `load ${s}-${i}`,
            text: '负载',
            messageId: `<load-${s}-${i}@bank.example>`,
          }),
        ),
      ),
    );
    for (const t of senders) t.close();
    await queue.drain();
    const count = await database.db
      .selectFrom('inbound_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('message_id', 'like', 'load-%')
      .where('status', '=', 'threaded')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(40);
  });

  it('offers STARTTLS when a certificate is configured, and not otherwise', async () => {
    const secure = transport(tls.port, {
      ignoreTLS: false,
      requireTLS: true,
      tls: { ca: [cert], servername: 'localhost' },
    });
    const info = await secure.sendMail({
      from: 'tls@bank.example',
      to: 'anyone@casedesk.test',
      subject: 'over TLS',
      text: 'encrypted',
    });
    expect(info.response).toMatch(/^250 /);
    await expect(
      transport(plain.port, { ignoreTLS: false, requireTLS: true }).sendMail({
        from: 'a@bank.example',
        to: 'support@casedesk.test',
        subject: 's',
        text: 't',
      }),
    ).rejects.toThrow(/STARTTLS/);
  });
});
