import { createHash } from 'node:crypto';
import type { ParseResult } from './parsed-mail.types.js';

/** What a fixture's parse is checked against (test/fixtures/emails/expected/**.json). */
export type MailExpectation = {
  ok: boolean;
  error?: string;
  subject: string | null;
  from: { name: string; address: string } | null;
  date: string | null;
  textStart: string;
  textLength: number;
  textSha256: string;
  attachments: { filename: string; size: number; sha256: string }[];
};

/** Summarizes a parse result for by-eye review and regression comparison. */
export function toExpectation(result: ParseResult): MailExpectation {
  const m = result.ok ? result.message : result.partial;
  const text = m.text ?? '';
  return {
    ok: result.ok,
    ...(result.ok ? {} : { error: result.error }),
    subject: m.subject ?? null,
    from: m.from ?? null,
    date: m.date ? m.date.toISOString() : null,
    textStart: text.slice(0, 200),
    textLength: text.length,
    textSha256: createHash('sha256').update(text).digest('hex'),
    attachments: (m.attachments ?? []).map((a) => ({ filename: a.filename, size: a.size, sha256: a.sha256 })),
  };
}
