import { createHash } from 'node:crypto';
import type { AttachmentRef } from '../../platform/db/schema.js';
import type { MailAddress, ParsedMail, ParseResult } from '../parse/parse-message.js';
import { findTrackingTokens, parseSubject } from '../subject.js';
import { conversationRoot } from '../threading/thread-index.js';

/** A stored file of an inbound email (attachment or inline image). */
export type EmailFileRef = AttachmentRef & { contentId: string | null; inline: boolean };

/** Everything the database step needs about one message, computed before the transaction. */
export type PreparedMessage = {
  source: string;
  rawSha256: string;
  rawSize: number;
  messageId: string | null;
  /** Dedupe key of a message delivered again: Message-ID, sender and Date (null without a Message-ID). */
  messageKey: string | null;
  subject: string;
  from: MailAddress | null;
  /** Set when the message could not be parsed: it is stored raw and listed as needing attention. */
  unreadable: string | null;
  mail: ParsedMail | null;
  /** Message-IDs this message answers (In-Reply-To first, then References newest first). */
  referenceIds: string[];
  caseTag: string | null;
  trackingToken: string | null;
  threadRoot: string | null;
  /** Title for a new case: the subject's title block if it has one, else the subject without prefixes. */
  title: string;
  files: EmailFileRef[];
  /** Filing by hand a message already recorded (review queue): where it goes, and its record. */
  refile?: { inboundId: string; target: { caseId: string } | 'new_case' };
};

const MAX_ID = 998;

/** Derives the threading keys and reading parts of a parsed message (no I/O). */
export function prepareMessage(
  parsed: ParseResult,
  raw: { sha256: string; size: number; source: string },
  files: EmailFileRef[],
  trackingPrefix: string,
): PreparedMessage {
  const base = { source: raw.source, rawSha256: raw.sha256, rawSize: raw.size };
  if (!parsed.ok) {
    const partial = parsed.partial;
    const messageId = cleanId(
      partial.messageId === undefined || partial.messageId === null ? null : noNul(partial.messageId),
    );
    return {
      ...base,
      messageId,
      messageKey: messageKeyOf(messageId, partial.from?.address, partial.date),
      subject: noNul(partial.subject ?? ''),
      from: partial.from ? addressNoNul(partial.from) : null,
      unreadable: parsed.error,
      mail: null,
      referenceIds: [],
      caseTag: null,
      trackingToken: null,
      threadRoot: null,
      title: '',
      files: [],
    };
  }
  const mail = withoutNul(parsed.message);
  const messageId = cleanId(mail.messageId);
  const referenceIds = unique(
    [mail.inReplyTo, ...[...mail.references].reverse()]
      .map(cleanId)
      .filter((id): id is string => id !== null && id !== messageId),
  );
  const subject = parseSubject(mail.subject, { tokenPrefixes: [trackingPrefix] });
  const trackingToken =
    subject.trackingToken ?? findTrackingTokens(mail.text.slice(0, 200_000), [trackingPrefix])[0] ?? null;
  return {
    ...base,
    messageId,
    messageKey: messageKeyOf(messageId, mail.from?.address, mail.date),
    subject: mail.subject,
    from: mail.from,
    unreadable: null,
    mail,
    referenceIds,
    caseTag: subject.caseNumber ?? null,
    trackingToken,
    threadRoot: conversationRoot(mail.threadIndex),
    title: (subject.title ?? subject.rest).trim().slice(0, 500) || '(no subject)',
    files: files.map((f) => ({
      ...f,
      filename: noNul(f.filename),
      contentId: f.contentId === null ? null : noNul(f.contentId),
    })),
  };
}

// PostgreSQL text cannot hold U+0000, which broken mail does carry; it never means anything in mail.
const noNul = (s: string) => (s.includes('\0') ? s.replace(/\0/g, '') : s);
const addressNoNul = (a: MailAddress): MailAddress => ({ name: noNul(a.name), address: noNul(a.address) });

function withoutNul(mail: ParsedMail): ParsedMail {
  return {
    ...mail,
    subject: noNul(mail.subject),
    text: noNul(mail.text),
    html: mail.html === null ? null : noNul(mail.html),
    from: mail.from ? addressNoNul(mail.from) : null,
    to: mail.to.map(addressNoNul),
    cc: mail.cc.map(addressNoNul),
    replyTo: mail.replyTo.map(addressNoNul),
    messageId: mail.messageId === null ? null : noNul(mail.messageId),
    inReplyTo: mail.inReplyTo === null ? null : noNul(mail.inReplyTo),
    references: mail.references.map(noNul),
    threadIndex: mail.threadIndex === null ? null : noNul(mail.threadIndex),
    attachments: mail.attachments.map((a) => ({
      ...a,
      filename: noNul(a.filename),
      contentId: a.contentId === null ? null : noNul(a.contentId),
    })),
    warnings: mail.warnings.map(noNul),
  };
}

function messageKeyOf(
  messageId: string | null,
  from: string | null | undefined,
  date: Date | null | undefined,
): string | null {
  if (!messageId) return null;
  const when = date && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
  return createHash('sha256')
    .update(`${messageId}\0${normalAddress(from) ?? ''}\0${when}`)
    .digest('hex');
}

function cleanId(id: string | null | undefined): string | null {
  const trimmed = id?.trim().replace(/^<|>$/g, '');
  return trimmed ? trimmed.slice(0, MAX_ID) : null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Lower-case address, or null when it is not a usable address. */
export function normalAddress(address: string | null | undefined): string | null {
  const a = address?.trim().toLowerCase();
  return a && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a) ? a : null;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** The domain and its parents (mail.icbc.com.cn → icbc.com.cn → com.cn), as findAccountByDomain tries them. */
export function domainCandidates(domain: string): string[] {
  const labels = domain.split('.');
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}
