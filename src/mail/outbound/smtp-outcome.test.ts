import { describe, expect, it } from 'vitest';
import { classifySendError, describeDelivery, retryDelayMs } from './smtp-outcome.js';

describe('classifySendError', () => {
  it('retries on 4xx answers and on connections that broke before the body was complete', () => {
    expect(
      classifySendError({ responseCode: 451, response: '451 4.3.0 try later', message: 'x' }, true),
    ).toEqual({
      outcome: 'retry',
      reason: '451 4.3.0 try later',
    });
    expect(classifySendError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }, false).outcome).toBe(
      'retry',
    );
    expect(classifySendError({ code: 'ETIMEDOUT', message: 'Greeting never received' }, false).outcome).toBe(
      'retry',
    );
  });

  it('fails for good on 5xx, with the server answer', () => {
    expect(
      classifySendError({ responseCode: 550, response: '550 5.1.1 no such user', message: 'x' }, true),
    ).toEqual({ outcome: 'failed', reason: '550 5.1.1 no such user' });
  });

  it('keeps retrying when authentication fails (a configuration problem, not the message)', () => {
    expect(
      classifySendError({ code: 'EAUTH', responseCode: 535, response: '535 bad', message: 'x' }, false)
        .outcome,
    ).toBe('retry');
  });

  it('is uncertain when the connection broke after the whole body was handed over', () => {
    expect(
      classifySendError({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, true).outcome,
    ).toBe('uncertain');
  });
});

describe('retryDelayMs', () => {
  it('doubles from 30 s and stops at one hour', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20)).toBe(3_600_000);
    expect(retryDelayMs(1, 0.5)).toBe(31_500);
  });
});

describe('describeDelivery', () => {
  const base = {
    outboxId: 'o1',
    attempts: 0,
    nextAttemptAt: null,
    smtpResponse: null,
    error: null,
    heldReason: null,
    updatedAt: '2026-05-06T02:00:00.000Z',
  };
  it('says what a person needs to know', () => {
    expect(describeDelivery({ ...base, state: 'pending' }).summary).toBe('queued');
    expect(
      describeDelivery({ ...base, state: 'pending', heldReason: 'not sent: no SMTP server configured' })
        .summary,
    ).toBe('not sent: no SMTP server configured');
    expect(describeDelivery({ ...base, state: 'sent', smtpResponse: '250 OK queued' }).summary).toBe(
      'sent: 250 OK queued',
    );
    expect(
      describeDelivery({
        ...base,
        state: 'retry',
        attempts: 1,
        nextAttemptAt: '2026-05-06T02:00:30.000Z',
        error: '451 later',
      }).summary,
    ).toBe('retrying at 2026-05-06T02:00:30.000Z (attempt 1 failed: 451 later)');
    expect(describeDelivery({ ...base, state: 'failed', error: '550 no such user' }).summary).toBe(
      'failed: 550 no such user',
    );
    expect(describeDelivery({ ...base, state: 'uncertain' }).summary).toMatch(/not re-sent automatically/);
  });
});
