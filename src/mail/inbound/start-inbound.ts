import { readFileSync } from 'node:fs';
import type { AppDeps } from '../../platform/http/app-deps.js';
import { parseImapMailboxes } from './imap-mailboxes.js';
import { startImapPoller } from './imap-poller.js';
import { inboundDeps, parseRecipients } from './inbound-deps.js';
import { createIngestQueue } from './ingest-pipeline.js';
import { startSmtpListener } from './smtp-listener.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export type InboundRunning = {
  /** One line per receiver started, for the start-up banner. */
  lines: string[];
  smtpPort: number | null;
  stop: () => Promise<void>;
};

/**
 * Starts what `casedesk serve` receives mail with: the SMTP listener (when CASEDESK_SMTP_PORT is
 * set) and one IMAP poller per configured mailbox. Both go through the same inbound pipeline.
 */
export async function startInbound(deps: AppDeps, log: Log): Promise<InboundRunning> {
  const config = deps.config;
  const mailboxes = parseImapMailboxes(config.imapMailboxes);
  const ingest = inboundDeps(
    deps,
    mailboxes.map((m) => m.user).filter((u) => u.includes('@')),
  );
  const lines: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  let smtpPort: number | null = null;

  if (config.smtpPort !== undefined) {
    if (Boolean(config.smtpTlsCert) !== Boolean(config.smtpTlsKey)) {
      throw new Error('CASEDESK_SMTP_TLS_CERT and CASEDESK_SMTP_TLS_KEY must be set together');
    }
    const tls =
      config.smtpTlsCert && config.smtpTlsKey
        ? { cert: readFileSync(config.smtpTlsCert), key: readFileSync(config.smtpTlsKey) }
        : undefined;
    const recipients = parseRecipients(config.smtpRecipients);
    const listener = await startSmtpListener(createIngestQueue(ingest), {
      host: config.smtpHost ?? config.host,
      port: config.smtpPort,
      recipients,
      maxBytes: config.smtpMaxBytes,
      ...(tls ? { tls } : {}),
      log,
    });
    smtpPort = listener.port;
    stops.push(listener.close);
    lines.push(
      `SMTP intake on ${config.smtpHost ?? config.host}:${listener.port}${tls ? ' (STARTTLS)' : ''}, accepting ${recipients.length ? recipients.join(', ') : 'any recipient'}`,
    );
  }
  for (const mailbox of mailboxes) {
    const poller = startImapPoller(ingest, mailbox, { pollMs: config.imapPollSeconds * 1000, log });
    stops.push(poller.stop);
    lines.push(
      `IMAP polling ${mailbox.label} (${mailbox.afterProcessing === 'move' ? `move to ${mailbox.moveTo}` : 'flag'} after storing)`,
    );
  }
  return {
    lines,
    smtpPort,
    stop: async () => {
      await Promise.all(stops.map((s) => s().catch(() => undefined)));
    },
  };
}
