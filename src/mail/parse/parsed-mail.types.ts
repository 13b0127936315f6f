/** A mailbox as shown to a person: decoded display name ('' when absent) and address. */
export type MailAddress = { name: string; address: string };

export type ParsedAttachment = {
  /** Decoded, made safe for storage (no path separators or control characters); never empty. */
  filename: string;
  /** Lower-case MIME type, e.g. `image/png`, `message/rfc822`. */
  contentType: string;
  size: number;
  /** SHA-256 of `content`, lower-case hex. */
  sha256: string;
  /** Content-ID without angle brackets, for `cid:` references from the HTML. */
  contentId: string | null;
  /** Shown inside the message body (inline image) rather than listed as a file. */
  inline: boolean;
  /** Unpacked from an Outlook winmail.dat (the winmail.dat itself is kept too). */
  fromTnef: boolean;
  content: Uint8Array;
};

export type AutoReplyHeaders = {
  autoSubmitted: string | null;
  precedence: string | null;
  xAutoreply: string | null;
};

export type ParsedMail = {
  /** Message-ID without `<>`; null when absent. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Outlook Thread-Index header (base64), used for threading when References is missing. */
  threadIndex: string | null;
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  date: Date | null;
  /** text/plain body, or text derived from the HTML when only HTML exists. */
  text: string;
  /** Raw HTML body (unsanitized: see src/mail/reading/sanitize-html.ts). */
  html: string | null;
  attachments: ParsedAttachment[];
  isAutoReply: boolean;
  autoReplyHeaders: AutoReplyHeaders;
  /** SHA-256 of the raw message bytes, lower-case hex. */
  rawSha256: string;
  /** Things repaired or skipped while parsing (e.g. a winmail.dat that would not unpack). */
  warnings: string[];
};

/**
 * Parsing never throws: a message that cannot be read comes back `ok: false` with the reason
 * and whatever could be read, so the caller stores it raw and lists it as "needs attention".
 */
export type ParseResult =
  | { ok: true; message: ParsedMail }
  | { ok: false; error: string; partial: Partial<ParsedMail> };
