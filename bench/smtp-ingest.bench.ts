import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { createIngestQueue } from '../src/mail/inbound/ingest-pipeline.js';
import { startSmtpListener } from '../src/mail/inbound/smtp-listener.js';
import { systemClock } from '../src/platform/clock.js';
import { createLocalFileStore } from '../src/platform/files/file-store.js';
import type { BenchModule } from './lib.js';
import { benchMail } from './mail-corpus.js';
import { openBenchDatabase } from './support.js';

/**
 * SMTP ingestion acknowledged durably: 8 nodemailer senders, each sending its messages one after
 * another and waiting for the 250 — which CaseDesk gives only after the raw message is fsynced in
 * the file store and the case timeline is committed in PostgreSQL.
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
  const listener = await startSmtpListener(createIngestQueue(deps), {
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
    const start = process.hrtime.bigint();
    await Promise.all(
      transports.map(async (_, s) => {
        for (let i = 0; i < perSender; i++) await send(s, i);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const total = senders * perSender;
    return [
      {
        name: 'smtp_ingest_msgs_per_s',
        value: Math.round(total / seconds),
        unit: 'msg/s',
        target: 500,
        better: 'higher',
        params: {
          database: 'postgres',
          senders,
          messages: total,
          messageBytes: benchMail(0, 1).length,
          threads: '1 in 4 opens a case, 3 reply',
          ack: 'after fsync + commit',
          // Other work on the machine skews this figure; the load says how much there was.
          loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
        },
      },
    ];
  } finally {
    for (const t of transports) t.close();
    await listener.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
};
