import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type { SmtpSettings } from './mail-settings.js';

/** What the outbox needs from an SMTP client: hand over one finished message, learn the answer. */
export type MailTransport = {
  /** e.g. `smtp://relay.example.com:587 (STARTTLS)`, for logs and status. */
  describe: string;
  /**
   * Sends `raw` (a complete RFC 5322 message) to the envelope recipients. `onBodyHandedOver` is
   * called once every byte of the message has been given to the SMTP connection — after that point a
   * broken connection leaves it unknown whether the server accepted the message.
   */
  send: (envelope: SmtpEnvelope, raw: Buffer, onBodyHandedOver: () => void) => Promise<SendResult>;
  close: () => void;
};

export type SmtpEnvelope = { from: string; to: string[] };
export type SendResult = { response: string; accepted: string[]; rejected: string[] };

/** A pooled nodemailer SMTP transport with timeouts well inside the outbox lease. */
export function createSmtpTransport(settings: SmtpSettings): MailTransport {
  const transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    pool: true,
    maxConnections: 4,
    maxMessages: 100,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
  });
  const mode = { tls: 'TLS', starttls: 'STARTTLS', opportunistic: 'STARTTLS if offered', none: 'no TLS' }[
    settings.tls
  ];
  return {
    describe: `smtp://${settings.host}:${settings.port} (${mode})`,
    async send(envelope, raw, onBodyHandedOver) {
      const body = Readable.from([raw]);
      body.once('end', onBodyHandedOver);
      const info = await transporter.sendMail({ envelope, raw: body });
      return {
        response: String(info.response ?? ''),
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
      };
    },
    close: () => transporter.close(),
  };
}
