import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { IngestQueue } from './ingest-queue.js';

export type SmtpListenerOptions = {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Accepted recipients: addresses or `@domain`, lower-case; empty accepts any recipient. */
  recipients: readonly string[];
  maxBytes: number;
  /** PEM key and certificate: STARTTLS is offered only when given. */
  tls?: { key: Buffer; cert: Buffer };
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
};

export type SmtpListener = { port: number; close: () => Promise<void> };

type SmtpError = Error & { responseCode?: number };
const smtpError = (code: number, message: string): SmtpError =>
  Object.assign(new Error(message), { responseCode: code });

/** Whether a recipient is one of ours. */
export function acceptsRecipient(recipients: readonly string[], address: string): boolean {
  if (recipients.length === 0) return true;
  const a = address.trim().toLowerCase();
  const domain = a.slice(a.lastIndexOf('@'));
  return recipients.some((r) => r === a || (r.startsWith('@') && r === domain));
}

/**
 * CaseDesk's SMTP listener: receives mail for the configured addresses and answers 250 only after
 * the message is durably stored (raw bytes fsynced in the file store, recorded as received in the
 * database); the queue files it onto its case right after. A failure to store answers 451, so the
 * sending server keeps the message and tries again: nothing is lost.
 */
export async function startSmtpListener(
  queue: IngestQueue,
  options: SmtpListenerOptions,
): Promise<SmtpListener> {
  const serverOptions: SMTPServerOptions = {
    name: 'casedesk',
    banner: 'CaseDesk mail intake',
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    size: options.maxBytes,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (acceptsRecipient(options.recipients, address.address)) return callback();
      callback(smtpError(550, `No mailbox ${address.address} here`));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(smtpError(552, `Message larger than ${options.maxBytes} bytes`));
          return;
        }
        const raw = Buffer.concat(chunks);
        queue
          .accept(raw, `smtp:${session.remoteAddress}`)
          .then((outcome) =>
            callback(null, `stored as ${outcome.rawSha256.slice(0, 16)} (${outcome.status})`),
          )
          .catch((err: unknown) => {
            options.log?.('error', 'inbound SMTP message could not be stored', {
              err: err instanceof Error ? err.message : String(err),
            });
            callback(smtpError(451, 'Could not store the message now; try again later'));
          });
      });
    },
  };
  if (options.tls) {
    serverOptions.key = options.tls.key;
    serverOptions.cert = options.tls.cert;
  }
  const server = new SMTPServer(serverOptions);
  server.on('error', (err) => options.log?.('warn', 'SMTP session error', { err: err.message }));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
