import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import PostalMime, { type Email } from 'postal-mime';
import { createEngineer } from '../../../src/auth/engineers.repo.js';
import { startInbound } from '../../../src/mail/inbound/start-inbound.js';
import { appDeps, startBackground } from '../../../src/main.js';
import { systemClock } from '../../../src/platform/clock.js';
import { loadConfig } from '../../../src/platform/config.js';
import { createLocalFileStore } from '../../../src/platform/files/file-store.js';
import { buildApp } from '../../../src/platform/http/app.js';
import { type SinkMessage, type SmtpSink, startSmtpSink } from '../../mail-outbound/support/smtp-sink.js';
import { openTestDatabase, type TestDatabase } from '../../support/test-db.js';
import { engineers } from './console-server.js';

/**
 * A whole CaseDesk as `casedesk serve` runs it — HTTP API and console, background jobs (outbox,
 * triage, SLA scan) and the SMTP intake — on loopback, with outgoing mail delivered to a real SMTP
 * sink that stands in for the customer's mail server. Nothing is seeded but two engineers: the case
 * arrives by mail.
 */
export type FullServer = {
  url: string;
  app: FastifyInstance;
  database: TestDatabase;
  sink: SmtpSink;
  /** Sends a mail to CaseDesk's SMTP intake, as a customer's mail server would. */
  deliver: (mail: SendMailOptions) => Promise<string>;
  /** Waits until the sink accepted a mail that matches (decoded), and returns it with its envelope. */
  waitForSent: (match: (mail: Email) => boolean, timeoutMs?: number) => Promise<SentMail>;
  close: () => Promise<void>;
};

/** A mail CaseDesk sent, as the customer's mail server received it, decoded. */
export type SentMail = { envelope: SinkMessage; mail: Email };

export const supportAddress = 'support@casedesk.example';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startFullServer(): Promise<FullServer> {
  const sink = await startSmtpSink();
  const database = await openTestDatabase();
  const httpPort = await freePort();
  const url = `http://127.0.0.1:${httpPort}`;
  const config = loadConfig(
    {},
    {
      trackingPrefix: 'CMIT',
      host: '127.0.0.1',
      port: httpPort,
      publicUrl: url,
      smtpPort: 0,
      smtpRecipients: supportAddress,
      mailFrom: `CaseDesk Support <${supportAddress}>`,
      smtpOutHost: '127.0.0.1',
      smtpOutPort: sink.port,
      smtpOutTls: 'none',
      logLevel: 'silent',
    },
  );
  const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-story-files-')));
  const deps = appDeps({ config, database, files, clock: systemClock, appliedMigrations: [] });
  await createEngineer(database.db, { ...engineers.liQi, role: 'admin' });
  await createEngineer(database.db, { ...engineers.jiaWei, role: 'engineer' });
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port: httpPort });
  const quiet = () => undefined;
  const stopBackground = startBackground(deps, quiet);
  const inbound = await startInbound(deps, quiet);
  const intakePort = inbound.smtpPort;
  if (intakePort === null) throw new Error('the SMTP intake did not start');
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: intakePort,
    secure: false,
    ignoreTLS: true,
  });

  return {
    url,
    app,
    database,
    sink,
    deliver: async (mail) => (await transport.sendMail({ to: supportAddress, ...mail })).messageId,
    waitForSent: async (match, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      const decoded = new Map<SinkMessage, Email>();
      for (;;) {
        for (const envelope of sink.accepted) {
          let mail = decoded.get(envelope);
          if (!mail) {
            mail = await PostalMime.parse(envelope.raw);
            decoded.set(envelope, mail);
          }
          if (match(mail)) return { envelope, mail };
        }
        if (Date.now() > deadline) throw new Error('no matching mail reached the SMTP sink in time');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: async () => {
      transport.close();
      await inbound.stop();
      await stopBackground();
      await app.close();
      await sink.close();
      await database.drop();
    },
  };
}
