/**
 * Pure decisions of the outbox: what an SMTP error means for the message, when to try again, and how
 * a delivery state reads on the case timeline.
 */
import type { OutboxState } from './outbound.tables.js';

export type SendFailure = {
  code?: string | undefined;
  responseCode?: number | undefined;
  response?: string | undefined;
  message: string;
};

/**
 * - `retry`: the server did not take the message (4xx, connection refused or dropped before the
 *   message body was complete, TLS or authentication trouble — fixed by an admin, not by the sender);
 * - `failed`: the server refused it for good (5xx) — trying again would get the same answer;
 * - `uncertain`: the connection broke after the whole body was handed over and before the server
 *   answered: it may have been accepted, so it is not sent again automatically (never twice).
 */
export type FailureVerdict = { outcome: 'retry' | 'failed' | 'uncertain'; reason: string };

export function classifySendError(err: SendFailure, bodyHandedOver: boolean): FailureVerdict {
  const answer = err.response?.trim() || err.message;
  const code = err.responseCode;
  if (err.code === 'EAUTH' || err.code === 'ENOAUTH') {
    return { outcome: 'retry', reason: `SMTP authentication failed: ${answer}` };
  }
  if (code !== undefined && code >= 500 && code < 600) return { outcome: 'failed', reason: answer };
  if (code !== undefined && code >= 400 && code < 500) return { outcome: 'retry', reason: answer };
  if (bodyHandedOver) {
    return {
      outcome: 'uncertain',
      reason: `connection lost after the message was handed over, before the server answered (${answer})`,
    };
  }
  return { outcome: 'retry', reason: answer };
}

/** Exponential backoff: 30 s, 1 min, 2 min … capped at 1 h; `jitter` in [0, 1) spreads retries by up to 10 %. */
export function retryDelayMs(attempt: number, jitter = 0): number {
  const base = Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.1 * jitter));
}

export const NO_SMTP_REASON = 'not sent: no SMTP server configured';

/** What the timeline shows about an outgoing mail (stored in the email activity's payload as `delivery`). */
export type DeliveryStatus = {
  outboxId: string;
  state: OutboxState;
  /** One line for people, e.g. "sent: 250 OK" or "retrying at …: 451 try later". */
  summary: string;
  attempts: number;
  nextAttemptAt: string | null;
  smtpResponse: string | null;
  error: string | null;
  heldReason: string | null;
  updatedAt: string;
};

export function describeDelivery(d: Omit<DeliveryStatus, 'summary'>): DeliveryStatus {
  return { ...d, summary: deliverySummary(d) };
}

function deliverySummary(d: Omit<DeliveryStatus, 'summary'>): string {
  switch (d.state) {
    case 'pending':
      return d.heldReason ?? 'queued';
    case 'sending':
      return 'sending';
    case 'retry':
      return `retrying at ${d.nextAttemptAt ?? '?'} (attempt ${d.attempts} failed: ${d.error ?? 'unknown error'})${d.heldReason ? `; ${d.heldReason}` : ''}`;
    case 'sent':
      return `sent${d.smtpResponse ? `: ${d.smtpResponse}` : ''}`;
    case 'failed':
      return `failed: ${d.error ?? 'unknown error'}`;
    case 'uncertain':
      return `maybe not delivered: ${d.error ?? 'sending was interrupted'}; not re-sent automatically (resend it if the recipient did not get it)`;
  }
}
