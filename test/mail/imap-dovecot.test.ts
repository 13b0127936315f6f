import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImapCursor } from '../../src/mail/inbound/imap.repo.js';
import { type ImapMailboxConfig, parseImapMailboxes } from '../../src/mail/inbound/imap-mailboxes.js';
import {
  type ImapSyncReport,
  imapClient,
  startImapPoller,
  syncMailbox,
} from '../../src/mail/inbound/imap-poller.js';
import type { IngestDeps } from '../../src/mail/inbound/ingest-pipeline.js';
import { fixedClock } from '../../src/platform/clock.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { type Dovecot, dovecotBinary, startDovecot } from './dovecot-server.js';
import { buildMail } from './mail-builder.js';

// In CI dovecot must be there (.ci/run installs it); elsewhere a missing binary skips, saying why.
const skip = !dovecotBinary && !process.env.CI;
if (skip) console.warn('IMAP tests skipped: dovecot is not installed (apt-get install dovecot-imapd)');

describe.skipIf(skip)('IMAP against dovecot', () => {
  let database: TestDatabase;
  let deps: IngestDeps;
  let dovecot: Dovecot;
  const mailbox = (over: Record<string, unknown>): ImapMailboxConfig =>
    parseImapMailboxes(
      JSON.stringify([
        {
          host: '127.0.0.1',
          port: dovecot.port,
          tls: false,
          user: dovecot.user,
          password: dovecot.password,
          ...over,
        },
      ]),
    )[0] as ImapMailboxConfig;

  const admin = async <T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.logout();
    }
  };
  const deliver = (box: string, id: string, subject = `message ${id}`) =>
    admin((c) =>
      c.append(
        box,
        buildMail({ from: 'li@bank.example', subject, messageId: `${id}@bank.example`, body: `正文 ${id}` }),
      ),
    );
  const sync = async (cfg: ImapMailboxConfig): Promise<ImapSyncReport> => {
    const client = imapClient(cfg);
    await client.connect();
    try {
      return await syncMailbox(client, deps, cfg);
    } finally {
      await client.logout();
    }
  };

  beforeAll(async () => {
    dovecot = await startDovecot();
    database = await openTestDatabase();
    deps = {
      db: database.db,
      files: createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-imap-'))),
      clock: fixedClock('2026-05-06T02:00:00Z'),
      trackingPrefix: 'CMIT',
    };
  });
  afterAll(async () => {
    await dovecot?.stop();
    await database?.drop();
  });

  it('stores new mail, flags it only after storing, and resumes from its cursor after a restart', async () => {
    const cfg = mailbox({ mailbox: 'INBOX' });
    await deliver('INBOX', 'i1');
    await deliver('INBOX', 'i2');
    const first = await sync(cfg);
    expect(first.uids).toEqual([1, 2]);
    expect(first.outcomes.map((o) => o.status)).toEqual(['threaded', 'threaded']);
    const flags = await admin(async (c) => {
      await c.mailboxOpen('INBOX');
      return (await c.fetchAll('1:*', { uid: true, flags: true }, { uid: true })).map((m) =>
        [...(m.flags ?? [])].sort(),
      );
    });
    expect(flags).toEqual([
      ['$CaseDesk', '\\Seen'],
      ['$CaseDesk', '\\Seen'],
    ]);

    await dovecot.restart();
    await deliver('INBOX', 'i3');
    const afterRestart = await sync(cfg);
    expect(afterRestart.uids).toEqual([3]);
    expect(await loadImapCursor(database.db, cfg.key)).toMatchObject({ lastUid: 3 });
    expect((await sync(cfg)).uids).toEqual([]);
  });

  it('resyncs safely when UIDVALIDITY changes: old mail is not stored twice, new mail is stored', async () => {
    const cfg = mailbox({ mailbox: 'Support' });
    await admin((c) => c.mailboxCreate('Support'));
    await deliver('Support', 'v1');
    await deliver('Support', 'v2');
    await deliver('Support', 'v3');
    const before = await sync(cfg);
    expect(before.uids).toEqual([1, 2, 3]);
    // The mailbox is recreated (a server migration does the same): new UIDVALIDITY, UIDs from 1 again.
    await admin((c) => c.mailboxDelete('Support'));
    await new Promise((r) => setTimeout(r, 1100));
    await admin((c) => c.mailboxCreate('Support'));
    await deliver('Support', 'v1');
    await deliver('Support', 'v4');
    const after = await sync(cfg);
    expect(after.resync).toBe(true);
    expect(after.uidValidity).not.toBe(before.uidValidity);
    expect(after.uids).toEqual([1, 2]);
    expect(after.outcomes.map((o) => o.status)).toEqual(['duplicate', 'threaded']);
    expect(await loadImapCursor(database.db, cfg.key)).toEqual({
      uidValidity: after.uidValidity,
      lastUid: 2,
    });
  });

  it('moves processed mail when configured to', async () => {
    await admin((c) => c.mailboxCreate('Intake'));
    await deliver('Intake', 'mv1');
    const cfg = mailbox({ mailbox: 'Intake', afterProcessing: 'move', moveTo: 'Processed' });
    await admin((c) => c.mailboxCreate('Processed'));
    const report = await sync(cfg);
    expect(report.outcomes.map((o) => o.status)).toEqual(['threaded']);
    const counts = await admin(async (c) => [
      ((await c.status('Intake', { messages: true })) || { messages: -1 }).messages,
      ((await c.status('Processed', { messages: true })) || { messages: -1 }).messages,
    ]);
    expect(counts).toEqual([0, 1]);
  });

  it('picks up new mail at once through IDLE while running', async () => {
    await admin((c) => c.mailboxCreate('Live'));
    const cfg = mailbox({ mailbox: 'Live' });
    const reports: ImapSyncReport[] = [];
    let notify: (() => void) | null = null;
    // A poll interval far longer than the test: only IDLE can wake the poller in time.
    const poller = startImapPoller(deps, cfg, {
      pollMs: 10 * 60_000,
      onSynced: (r) => {
        reports.push(r);
        notify?.();
      },
    });
    try {
      while (reports.length === 0)
        await new Promise<void>((r) => {
          notify = r;
        });
      const idleWake = new Promise<void>((r) => {
        notify = () => reports.some((x) => x.uids.length > 0) && r();
      });
      await deliver('Live', 'idle1');
      await Promise.race([
        idleWake,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('IDLE did not wake the poller')), 15_000),
        ),
      ]);
      expect(reports.flatMap((r) => r.outcomes.map((o) => o.status))).toEqual(['threaded']);
    } finally {
      await poller.stop();
    }
  });
});
