import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundSettings } from '../../src/mail/outbound/mail-settings.js';
import { listOutbox } from '../../src/mail/outbound/outbox.repo.js';
import { OutboxSender, type SendRound } from '../../src/mail/outbound/outbox-sender.js';
import { enqueueNotificationMail, sendCaseReply } from '../../src/mail/outbound/send-reply.js';
import { createSmtpTransport } from '../../src/mail/outbound/smtp-transport.js';
import { systemClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { type Database, openDatabase } from '../../src/platform/db/database.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { openTestDatabase, type TestDatabase, testPgUrl } from '../support/test-db.js';
import { seedCase } from './support/case-fixture.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

/**
 * Two senders — as two servers — drain one outbox of 100 messages into one SMTP server. On
 * PostgreSQL each sender has its own connection pool, so their claims really race; on PGlite they
 * interleave on one connection. Every message must arrive exactly once.
 */
let database: TestDatabase;
let second: Database | null = null;
let sink: SmtpSink;
const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-outbox-two-')));

beforeAll(async () => {
  database = await openTestDatabase();
  if (database.schema)
    second = await openDatabase({ kind: 'postgres', url: testPgUrl, schema: database.schema });
  // A little latency per message so the two senders overlap.
  sink = await startSmtpSink({
    answer: async () => {
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      return { accept: true };
    },
  });
});
afterAll(async () => {
  await sink.close();
  await second?.close();
  await database.drop();
});

describe('two senders on one outbox', () => {
  it('send a batch of 100 with every message at the SMTP server exactly once', async () => {
    const config = loadConfig(
      {},
      {
        trackingPrefix: 'CMIT',
        mailFrom: 'support@vendor.example',
        smtpOutHost: '127.0.0.1',
        smtpOutPort: sink.port,
        smtpOutTls: 'none',
      },
    );
    const deps = { db: database.db, clock: systemClock, config, files };
    const seeded = await seedCase(database.db, systemClock);
    for (let i = 0; i < 90; i++) {
      await sendCaseReply(deps, seeded.actor, seeded.caseNumber, {
        to: ['wang.li@icbc.com.cn'],
        text: `reply ${i}`,
      });
    }
    for (let i = 0; i < 10; i++) {
      await enqueueNotificationMail(deps, {
        to: ['li.qi@vendor.example'],
        subject: `notice ${i}`,
        text: 'x',
      });
    }
    const settings = outboundSettings(config);
    const senders = [database.db, second?.db ?? database.db].map(
      (db, i) =>
        new OutboxSender({
          db,
          clock: systemClock,
          files,
          settings,
          transport: settings.smtp ? createSmtpTransport(settings.smtp) : null,
          workerId: `server-${i}`,
          batchSize: 7,
        }),
    );
    const drain = async (sender: OutboxSender) => {
      const rounds: SendRound[] = [];
      for (;;) {
        const round = await sender.runDue();
        if (round.claimed === 0) return rounds;
        rounds.push(round);
      }
    };
    const results = await Promise.all(senders.map(drain));
    await Promise.all(senders.map((s) => s.stop()));

    const sentBy = results.map((rounds) => rounds.reduce((n, r) => n + r.sent, 0));
    expect(sentBy.reduce((a, b) => a + b, 0)).toBe(100);
    expect(sentBy.every((n) => n > 0)).toBe(true); // both servers did part of the work

    const rows = await listOutbox(database.db, { limit: 1000 });
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => r.state === 'sent' && r.attempts === 1)).toBe(true);
    const atSink = sink.received.map((m) => /^Message-ID: <([^>]+)>/im.exec(m.raw.toString('latin1'))?.[1]);
    expect(atSink).toHaveLength(100);
    expect(new Set(atSink).size).toBe(100);
    expect(new Set(atSink)).toEqual(new Set(rows.map((r) => r.messageId)));
  }, 180_000);
});
