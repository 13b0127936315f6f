// A CaseDesk outbox sender in its own process, so a test can kill it (SIGKILL) in the middle of
// sending. Opens the database named by the environment, runs one round, prints it as JSON.
import { outboundSettings } from '../../../src/mail/outbound/mail-settings.js';
import { OutboxSender } from '../../../src/mail/outbound/outbox-sender.js';
import { createSmtpTransport } from '../../../src/mail/outbound/smtp-transport.js';
import { systemClock } from '../../../src/platform/clock.js';
import { loadConfig } from '../../../src/platform/config.js';
import { openDatabase } from '../../../src/platform/db/database.js';
import { createLocalFileStore } from '../../../src/platform/files/file-store.js';

const env = process.env;
const database =
  env.CD_CHILD_PG_URL && env.CD_CHILD_SCHEMA
    ? await openDatabase({ kind: 'postgres', url: env.CD_CHILD_PG_URL, schema: env.CD_CHILD_SCHEMA })
    : await openDatabase({ kind: 'pglite', dataDir: env.CD_CHILD_DATA_DIR ?? '' });
const config = loadConfig(
  {},
  {
    mailFrom: 'Vendor Support <support@vendor.example>',
    smtpOutHost: '127.0.0.1',
    smtpOutPort: Number(env.CD_CHILD_SMTP_PORT),
    smtpOutTls: 'none',
  },
);
const settings = outboundSettings(config);
const sender = new OutboxSender({
  db: database.db,
  clock: systemClock,
  files: createLocalFileStore(env.CD_CHILD_FILES ?? ''),
  settings,
  transport: settings.smtp ? createSmtpTransport(settings.smtp) : null,
  workerId: 'child',
  leaseMs: 60_000,
});
process.stdout.write('ready\n');
const round = await sender.runDue();
process.stdout.write(`${JSON.stringify(round)}\n`);
await sender.stop();
await database.close();
