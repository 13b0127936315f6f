import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/db/db.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { composeMessage, envelopeRecipients } from './compose-message.js';
import type { OutboundSettings } from './mail-settings.js';
import {
  claimDueMessages,
  expireStaleClaims,
  holdWaiting,
  type OutboxMessage,
  type Outcome,
  recordOutcome,
} from './outbox.repo.js';
import { classifySendError, NO_SMTP_REASON, retryDelayMs, type SendFailure } from './smtp-outcome.js';
import type { MailTransport } from './smtp-transport.js';

export type OutboxSenderOptions = {
  db: Kysely<DB>;
  clock: Clock;
  files: FileStore;
  settings: OutboundSettings;
  /** Null when no SMTP server is configured: waiting mail is labelled as such and nothing is sent. */
  transport: MailTransport | null;
  workerId?: string;
  /** How long a claim may stay in `sending` before it counts as abandoned (default 15 min). */
  leaseMs?: number;
  batchSize?: number;
  /** Random source for backoff jitter (0 ≤ r < 1). */
  random?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
};

export type SendRound = {
  claimed: number;
  sent: number;
  retry: number;
  failed: number;
  uncertain: number;
  expired: number;
};

/**
 * Sends the outbox. Each round: claims whose lease ran out become `uncertain` (never re-sent
 * automatically); due messages are claimed atomically (several servers share the work, each message
 * goes to one of them), composed, handed to SMTP and their outcome recorded by the claim's holder only.
 *
 * What is guaranteed: a message is handed to an SMTP server at most once per claim, and claimed again
 * only after an answer that proves the server did not take it (4xx, refused connection, connection
 * lost before the body was complete). If the sender dies inside the SMTP transaction, the message
 * becomes `uncertain` when its lease ends and waits for a person (`casedesk outbox retry`), with the
 * same Message-ID, so it is never delivered twice by CaseDesk on its own.
 */
export class OutboxSender {
  readonly workerId: string;
  private inFlight: Promise<SendRound> | null = null;

  constructor(private readonly options: OutboxSenderOptions) {
    this.workerId =
      options.workerId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  }

  /** One round; rounds never overlap within one sender. Tests and the periodic task call this. */
  async runDue(): Promise<SendRound> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.round().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Waits for the round in progress, so a graceful stop never abandons a message mid-send. */
  async stop(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    this.options.transport?.close();
  }

  private async round(): Promise<SendRound> {
    const { db, clock, transport } = this.options;
    const now = clock.now();
    const round: SendRound = { claimed: 0, sent: 0, retry: 0, failed: 0, uncertain: 0, expired: 0 };
    round.expired = await expireStaleClaims(db, now);
    if (round.expired > 0) {
      this.options.log?.('warn', 'outbox: abandoned sends marked uncertain (not re-sent)', {
        count: round.expired,
      });
    }
    if (!transport) {
      await holdWaiting(db, NO_SMTP_REASON, now);
      return round;
    }
    const claimed = await claimDueMessages(db, {
      now,
      leaseUntil: new Date(now.getTime() + (this.options.leaseMs ?? 15 * 60_000)),
      workerId: this.workerId,
      limit: this.options.batchSize ?? 10,
    });
    round.claimed = claimed.length;
    const outcomes = await Promise.all(claimed.map((m) => this.sendOne(m, transport)));
    for (const o of outcomes) round[o] += 1;
    return round;
  }

  private async sendOne(message: OutboxMessage, transport: MailTransport): Promise<Outcome['state']> {
    const { db, clock } = this.options;
    const outcome = await this.deliver(message, transport);
    const recorded = await recordOutcome(db, {
      id: message.id,
      claimToken: message.claimToken ?? '',
      now: clock.now(),
      outcome,
    });
    this.options.log?.(
      outcome.state === 'sent' ? 'info' : 'warn',
      `outbox: ${message.messageId} ${outcome.state}`,
      {
        outboxId: message.id,
        attempt: message.attempts,
        ...(outcome.state === 'sent' ? { response: outcome.smtpResponse } : { error: outcome.error }),
        ...(recorded ? {} : { note: 'claim no longer ours; outcome not recorded' }),
      },
    );
    return outcome.state;
  }

  private async deliver(message: OutboxMessage, transport: MailTransport): Promise<Outcome> {
    const { clock, files, settings } = this.options;
    let raw: Buffer;
    try {
      raw = await composeMessage(message, settings.from, async (ref) => readAll(files, ref.sha256));
    } catch (err) {
      return { state: 'failed', error: `could not build the message: ${errorText(err)}`, smtpResponse: null };
    }
    let handedOver = false;
    try {
      const result = await transport.send(
        { from: settings.from.address, to: envelopeRecipients(message) },
        raw,
        () => {
          handedOver = true;
        },
      );
      const refused = result.rejected.length ? `refused recipients: ${result.rejected.join(', ')}` : null;
      return { state: 'sent', smtpResponse: result.response, error: refused };
    } catch (err) {
      const verdict = classifySendError(toFailure(err), handedOver);
      if (verdict.outcome === 'failed')
        return { state: 'failed', error: verdict.reason, smtpResponse: verdict.reason };
      if (verdict.outcome === 'uncertain') return { state: 'uncertain', error: verdict.reason };
      if (message.attempts >= message.maxAttempts) {
        return {
          state: 'failed',
          error: `gave up after ${message.attempts} attempts: ${verdict.reason}`,
          smtpResponse: null,
        };
      }
      const delay = retryDelayMs(message.attempts, this.options.random?.() ?? Math.random());
      return {
        state: 'retry',
        error: verdict.reason,
        nextAttemptAt: new Date(clock.now().getTime() + delay),
      };
    }
  }
}

async function readAll(files: FileStore, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of files.open(sha256)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toFailure(err: unknown): SendFailure {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : undefined,
      responseCode: typeof e.responseCode === 'number' ? e.responseCode : undefined,
      response: typeof e.response === 'string' ? e.response : undefined,
      message: typeof e.message === 'string' ? e.message : String(err),
    };
  }
  return { message: String(err) };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
