import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** A message as the sink received it: the SMTP envelope and the exact bytes. */
export type SinkMessage = { from: string; to: string[]; raw: Buffer };

/** How the sink answers the end of DATA: accept, or an SMTP error such as 451 or 550. */
export type SinkAnswer = { accept: true } | { accept: false; code: number; message: string };

export type SinkOptions = {
  /** Decides each message's answer (default: accept). Runs after the message is counted as received. */
  answer?: (message: SinkMessage, index: number) => SinkAnswer | Promise<SinkAnswer>;
  /** Called when a client connects; may hold the connection (e.g. while a test kills the client). */
  onConnect?: () => void | Promise<void>;
  /** Called before a message is answered (e.g. a test kills the sender here). */
  beforeAnswer?: (message: SinkMessage) => void | Promise<void>;
};

/**
 * A real SMTP server (smtp-server) on a free loopback port that keeps every message it receives.
 * `received` lists messages whose DATA completed, whatever the answer — so a test can count what
 * reached a server, including messages it then refused or never answered.
 */
export type SmtpSink = {
  port: number;
  received: SinkMessage[];
  /** Messages that got a 250 answer. */
  accepted: SinkMessage[];
  close: () => Promise<void>;
};

export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const received: SinkMessage[] = [];
  const accepted: SinkMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    closeTimeout: 200,
    onConnect(_session, callback) {
      Promise.resolve(options.onConnect?.()).then(() => callback(), callback);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const message: SinkMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        };
        const index = received.length;
        received.push(message);
        try {
          await options.beforeAnswer?.(message);
          const answer = (await options.answer?.(message, index)) ?? { accept: true };
          if (answer.accept) {
            accepted.push(message);
            callback(null, `OK queued as sink-${index}`);
          } else {
            const err = Object.assign(new Error(answer.message), { responseCode: answer.code });
            callback(err);
          }
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
