import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { outboundSettings } from '../../src/mail/outbound/mail-settings.js';
import { getOutboxMessage, listOutbox, requeueMessage } from '../../src/mail/outbound/outbox.repo.js';
import { OutboxSender } from '../../src/mail/outbound/outbox-sender.js';
import { sendCaseReply } from '../../src/mail/outbound/send-reply.js';
import { createSmtpTransport } from '../../src/mail/outbound/smtp-transport.js';
import { fixedClock, systemClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { type Database, openDatabase } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { openTestDatabase, testDbKind, testPgUrl } from '../support/test-db.js';
import { seedCase } from './support/case-fixture.js';
import { type SinkOptions, type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

/**
 * The sender process is killed (SIGKILL) in the middle of sending — after the SMTP server has the
 * whole message but before it answered, or right after connecting — and a new sender takes over
 * against the same database, as after a crash and restart. On PGlite the database is a data
 * directory the two processes open in turn; on PostgreSQL a private schema both use.
 */
const root = join(import.meta.dirname, '..', '..');
const filesDir = mkdtempSync(join(tmpdir(), 'cd-crash-files-'));
const files = createLocalFileStore(filesDir);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Db = { open: () => Promise<Database>; childEnv: Record<string, string>; drop: () => Promise<void> };

async function crashableDatabase(): Promise<Db> {
  if (testDbKind === 'postgres') {
    const test = await openTestDatabase();
    await test.close();
    const schema = test.schema ?? '';
    return {
      open: () => openDatabase({ kind: 'postgres', url: testPgUrl, schema }),
      childEnv: { CD_CHILD_PG_URL: testPgUrl, CD_CHILD_SCHEMA: schema },
      drop: async () => {
        const admin = await openDatabase({ kind: 'postgres', url: testPgUrl, maxConnections: 1 });
        await admin.exec(`drop schema ${schema} cascade`);
        await admin.close();
      },
    };
  }
  // PGlite is one process at a time: a data directory each process opens in turn.
  const dataDir = mkdtempSync(join(tmpdir(), 'cd-crash-pglite-'));
  const first = await openDatabase({ kind: 'pglite', dataDir });
  await migrate(first);
  await first.close();
  return {
    open: () => openDatabase({ kind: 'pglite', dataDir }),
    childEnv: { CD_CHILD_DATA_DIR: dataDir },
    drop: async () => undefined,
  };
}

const config = (port: number) =>
  loadConfig(
    {},
    {
      trackingPrefix: 'CMIT',
      mailFrom: 'Vendor Support <support@vendor.example>',
      smtpOutHost: '127.0.0.1',
      smtpOutPort: port,
      smtpOutTls: 'none',
    },
  );

function startChild(db: Db, port: number): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/mail-outbound/support/sender-child.ts'], {
    cwd: root,
    env: { ...process.env, ...db.childEnv, CD_CHILD_SMTP_PORT: String(port), CD_CHILD_FILES: filesDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

/** Queues one reply, then lets a child sender process pick it up and kills it where `sink` says. */
async function replyThenKillSender(killAt: keyof Pick<SinkOptions, 'onConnect' | 'beforeAnswer'>) {
  let reached: () => void = () => undefined;
  const reachedPoint = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const hold = () => {
    reached();
    return new Promise<void>(() => undefined); // never answers: the sender dies waiting
  };
  const sink: SmtpSink = await startSmtpSink({ [killAt]: hold });
  cleanups.push(() => sink.close());
  const db = await crashableDatabase();
  cleanups.push(() => db.drop());

  const setup = await db.open();
  const seeded = await seedCase(setup.db, systemClock);
  const reply = await sendCaseReply(
    { db: setup.db, clock: systemClock, config: config(sink.port), files },
    seeded.actor,
    seeded.caseNumber,
    { to: ['wang.li@icbc.com.cn'], text: '请运行 DISM /Online /Cleanup-Image /RestoreHealth 后回复结果。' },
  );
  await setup.close();

  const { child, exited } = startChild(db, sink.port);
  await reachedPoint;
  child.kill('SIGKILL');
  expect(await exited).toBeNull(); // killed, not finished

  const database = await db.open();
  cleanups.push(() => database.close());
  const [row] = await listOutbox(database.db, { limit: 1 });
  if (!row) throw new Error('no outbox row');
  expect(row.state).toBe('sending'); // claimed by the dead process; outcome never recorded
  expect(row.messageId).toBe(reply.email?.messageId);
  return { sink, database, row, port: sink.port };
}

function restartedSender(database: Database, port: number, at: Date) {
  const settings = outboundSettings(config(port));
  return new OutboxSender({
    db: database.db,
    clock: fixedClock(at),
    files,
    settings,
    transport: createSmtpTransport(
      settings.smtp ?? { host: '', port, tls: 'none', user: null, password: null },
    ),
    workerId: 'restarted',
  });
}

describe('outbox exactly-once when the sender is killed mid-send', () => {
  it('killed after the server has the whole message: never sent again, marked uncertain', async () => {
    const { sink, database, row, port } = await replyThenKillSender('beforeAnswer');
    expect(sink.received).toHaveLength(1);

    // A restart within the lease: the message is someone's claim; nothing happens to it.
    const soon = restartedSender(database, port, new Date());
    expect(await soon.runDue()).toMatchObject({ claimed: 0, expired: 0 });
    await soon.stop();
    // After the lease: uncertain, shown on the timeline, and still not sent again.
    const later = restartedSender(database, port, new Date(Date.now() + 61_000));
    expect(await later.runDue()).toMatchObject({ claimed: 0, expired: 1 });
    expect(await later.runDue()).toMatchObject({ claimed: 0, expired: 0 });
    await later.stop();
    const after = await getOutboxMessage(database.db, row.id);
    expect(after.state).toBe('uncertain');
    expect(sink.received).toHaveLength(1);
    const activity = await database.db
      .selectFrom('activities')
      .select('payload')
      .where('id', '=', row.activityId ?? '')
      .executeTakeFirstOrThrow();
    expect(activity.payload.delivery).toMatchObject({
      state: 'uncertain',
      summary: expect.stringContaining('not re-sent automatically'),
    });
  }, 180_000);

  it('killed after claiming, before the message went out: not sent behind anyone’s back; an admin resend sends it once', async () => {
    const { sink, database, row, port } = await replyThenKillSender('onConnect');
    expect(sink.received).toHaveLength(0);
    const later = restartedSender(database, port, new Date(Date.now() + 61_000));
    expect(await later.runDue()).toMatchObject({ claimed: 0, expired: 1 });
    expect(sink.received).toHaveLength(0);
    await requeueMessage(database.db, row.id, new Date(Date.now() + 61_000));
    // The first sink still holds every connection it gets; the admin's resend goes to a normal one.
    await later.stop();
    const normal = await startSmtpSink();
    cleanups.push(() => normal.close());
    const resend = restartedSender(database, normal.port, new Date(Date.now() + 62_000));
    expect(await resend.runDue()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await resend.runDue()).toMatchObject({ claimed: 0 });
    await resend.stop();
    expect(normal.accepted).toHaveLength(1);
    expect(normal.accepted[0]?.raw.toString()).toContain(`Message-ID: <${row.messageId}>`);
    expect((await getOutboxMessage(database.db, row.id)).state).toBe('sent');
  }, 180_000);
});
