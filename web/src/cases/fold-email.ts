import { splitQuoted } from '../../../src/mail/reading/split-quoted.js';

export type FoldedEmail = { fresh: string; quoted: string | null; quotedLines: number };

/**
 * What the sender just wrote, and the quoted history to fold away. Uses the server's split when the
 * API sends one (`fresh`/`quoted`), else the same splitter the server uses (Outlook header blocks,
 * "On … wrote:", 原始邮件, trailing `>` quotes).
 */
export function foldEmail(email: { text: string; fresh?: unknown; quoted?: unknown }): FoldedEmail {
  const split =
    typeof email.fresh === 'string'
      ? { fresh: email.fresh, quoted: typeof email.quoted === 'string' ? email.quoted : null }
      : splitQuoted(email.text);
  const quoted = split.quoted && split.quoted.trim() !== '' ? split.quoted : null;
  return {
    fresh: split.fresh.replace(/\s+$/, ''),
    quoted,
    quotedLines: quoted ? quoted.split('\n').length : 0,
  };
}
