import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { createIngestQueue } from '../src/mail/inbound/ingest-queue.js';
import { startSmtpListener } from '../src/mail/inbound/smtp-listener.js';
import { systemClock } from '../src/platform/clock.js';
import { createLocalFileStore } from '../src/platform/files/file-store.js';
import type { BenchModule } from './lib.js';
import { benchMail } from './mail-corpus.js';
import { openBenchDatabase } from './support.js';

/**
 * SMTP ingestion acknowledged durably: 8 nodemailer senders, each sending its messages one after
 * another and waiting for the 250 — which CaseDesk gives only after the raw message is fsynced in
 * the file store and recorded as received in PostgreSQL. The second figure runs until the last
 * message is threaded onto its case (filing runs beside the intake, in larger batches).
 */
export const run: BenchModule['run'] = async ({ quick }) => {
  const senders = 8;
  const perSender = quick ? 50 : 500;
  const database = await openBenchDatabase('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'casedesk-bench-smtp-'));
  const deps = {
    db: database.db,
    files: createLocalFileStore(dir),
    clock: systemClock,
    trackingPrefix: 'CMIT',
  };
  const queue = createIngestQueue(deps, { acknowledge: 'stored' });
  const listener = await startSmtpListener(queue, {
    host: '127.0.0.1',
    port: 0,
    recipients: [],
    maxBytes: 1024 * 1024,
  });
  const transports = Array.from({ length: senders }, () =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
      maxMessages: Number.POSITIVE_INFINITY,
    }),
  );
  // Built before the clock starts: the figure is CaseDesk's intake, not the corpus generator.
  const mails = transports.map((_, s) => Array.from({ length: perSender }, (_, i) => benchMail(s, i)));
  const send = (s: number, i: number, raw = mails[s]?.[i] as Buffer) =>
    (transports[s] as (typeof transports)[number]).sendMail({
      envelope: { from: `wang${s}@bank${s}.example.cn`, to: ['support@casedesk.test'] },
      raw,
    });
  try {
    await Promise.all(transports.map((_, s) => send(s, -1, benchMail(s, 1_000_000)))); // warm-up: connections, parser, first cases
    await queue.drain();
    const start = process.hrtime.bigint();
    await Promise.all(
      transports.map(async (_, s) => {
        for (let i = 0; i < perSender; i++) await send(s, i);
      }),
    );
    const acked = Number(process.hrtime.bigint() - start) / 1e9;
    await queue.drain();
    const filed = Number(process.hrtime.bigint() - start) / 1e9;
    const total = senders * perSender;
    const unfiled = await database.db
      .selectFrom('inbound_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '<>', 'threaded')
      .executeTakeFirstOrThrow();
    if (Number(unfiled.n) !== 0) throw new Error(`${unfiled.n} messages were not threaded`);
    const params = {
      database: 'postgres',
      senders,
      messages: total,
      messageBytes: benchMail(0, 1).length,
      threads: '1 in 4 opens a case, 3 reply',
      // Other work on the machine skews these figures; the load says how much there was.
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    };
    return [
      {
        name: 'smtp_ingest_msgs_per_s',
        value: Math.round(total / acked),
        unit: 'msg/s',
        target: 500,
        better: 'higher',
        params: {
          ...params,
          ack: 'after fsync + commit of the received record',
          filedWithinSeconds: Math.round(filed * 100) / 100,
        },
      },
      {
        name: 'smtp_ingest_filed_msgs_per_s',
        value: Math.round(total / filed),
        unit: 'msg/s',
        target: null,
        better: 'higher',
        params: { ...params, until: 'the last message is threaded onto its case' },
      },
    ];
  } finally {
    for (const t of transports) t.close();
    await listener.close();
    await queue.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
};
