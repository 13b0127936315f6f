import PostalMime, { type Address, addressParser, type Email } from 'postal-mime';
import { htmlToText } from '../reading/html-to-text.js';
import { collectAttachments, sha256Hex } from './attachments.js';
import { decodeText } from './charset-decode.js';
import { decodeEncodedWords } from './encoded-words.js';
import type { MailAddress, ParsedMail, ParseResult } from './parsed-mail.types.js';
import { installCharsetHook, setCharsetHint } from './postal-charset-hook.js';
import { installTransferDecoders } from './postal-transfer-decoders.js';
import {
  charsetParam,
  decodeHeaderBytes,
  headerBlockEnd,
  messageCharsetHint,
  type RawHeader,
  readRawHeaders,
} from './raw-headers.js';

export type { MailAddress, ParsedAttachment, ParsedMail, ParseResult } from './parsed-mail.types.js';

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const AUTO_PRECEDENCE = new Set(['bulk', 'junk', 'auto_reply', 'auto-reply']);

function startsWith(raw: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => raw[i] === b);
}

/** Why these bytes are not an RFC 822 message, or null when they look like one. */
function notRfc822Reason(raw: Uint8Array): string | null {
  if (raw.length === 0) return 'empty message';
  if (startsWith(raw, CFB_MAGIC)) {
    return 'not an RFC 822 message: Outlook .msg (CFB/OLE2 compound file); store it raw and open it in Outlook';
  }
  const head = raw.subarray(0, Math.min(headerBlockEnd(raw), 64 * 1024));
  if (head.includes(0)) return 'not an RFC 822 message: binary data (NUL bytes) in the header block';
  const lines = Buffer.from(head.subarray(0, 8192)).toString('latin1').split(/\r?\n/).slice(0, 50);
  if (!lines.some((l) => /^[!-9;-~]+[ \t]*:/.test(l))) return 'not an RFC 822 message: no header field found';
  return null;
}

function stripAngles(v: string): string {
  return v.trim().replace(/^<|>$/g, '').trim();
}

function msgIds(v: string | undefined): string[] {
  if (!v) return [];
  const bracketed = [...v.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] ?? '');
  return (bracketed.length ? bracketed : v.split(/[\s,]+/)).map(stripAngles).filter(Boolean);
}

function first(headers: RawHeader[], key: string): RawHeader | undefined {
  return headers.find((h) => h.key === key);
}

type HeaderReader = (key: string) => string | null;

/** Decodes addresses from the raw header so raw 8-bit and split encoded-word names come out right. */
function addresses(list: Address[] | Address | undefined, rawValue: string | null): MailAddress[] {
  const parsed = list ? (Array.isArray(list) ? list : [list]) : rawValue ? addressParser(rawValue) : [];
  const flat: MailAddress[] = [];
  for (const a of parsed) {
    if (a.group) for (const m of a.group) flat.push({ name: m.name, address: m.address });
    else flat.push({ name: a.name, address: a.address });
  }
  if (!rawValue) return flat;
  // postal-mime decodes names word by word; re-decode a damaged name from the raw text before its address.
  return flat.map((m) => {
    if (!m.name.includes('\ufffd') && !m.name.includes('=?')) return m;
    const at = m.address ? rawValue.indexOf(m.address) : -1;
    const before = at > 0 ? rawValue.slice(0, at) : rawValue;
    const segment = before.split(/,(?=[^,]*$)/).pop() ?? before;
    const name = decodeEncodedWords(segment.replace(/<\s*$/, '')).trim().replace(/^"|"$/g, '').trim();
    return name ? { ...m, name } : m;
  });
}

function parseDate(v: string | undefined): Date | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

function headerReader(raw: Uint8Array, hint = messageCharsetHint(raw)): HeaderReader {
  const rawHeaders = readRawHeaders(raw);
  return (key) => {
    const h = first(rawHeaders, key);
    return h ? decodeHeaderBytes(h.value, hint) : null;
  };
}

function autoReplyOf(read: HeaderReader): Pick<ParsedMail, 'isAutoReply' | 'autoReplyHeaders'> {
  const autoSubmitted = read('auto-submitted');
  const precedence = read('precedence');
  const xAutoreply = read('x-autoreply') ?? read('x-autorespond');
  const isAutoReply =
    (autoSubmitted !== null && autoSubmitted.trim().toLowerCase() !== 'no') ||
    (precedence !== null && AUTO_PRECEDENCE.has(precedence.trim().toLowerCase())) ||
    xAutoreply !== null;
  return { isAutoReply, autoReplyHeaders: { autoSubmitted, precedence, xAutoreply } };
}

/** Headers readable without a MIME parse, for the `partial` of a failed parse. */
function partialFromHeaders(raw: Uint8Array, rawSha256: string): Partial<ParsedMail> {
  const partial: Partial<ParsedMail> = { rawSha256 };
  try {
    const read = headerReader(raw);
    const subject = read('subject');
    if (subject !== null) partial.subject = subject;
    const from = read('from');
    if (from) partial.from = addresses(undefined, from)[0] ?? null;
    const messageId = read('message-id');
    if (messageId) partial.messageId = stripAngles(messageId);
    partial.date = parseDate(read('date') ?? undefined);
  } catch {
    // the raw bytes are stored anyway; nothing more to salvage
  }
  return partial;
}

function subjectOfEml(eml: Uint8Array): string | null {
  const subject = headerReader(eml)('subject');
  return subject?.trim() || null;
}

function buildMessage(raw: Uint8Array, email: Email, rawSha256: string, hint: string | null): ParsedMail {
  const read = headerReader(raw, hint);
  const collected = collectAttachments(email.attachments, subjectOfEml);
  const html = email.html ?? collected.tnefHtml ?? null;
  let text = email.text ?? '';
  const warnings = [...collected.warnings];
  if (!text.trim() && collected.tnefText?.trim()) text = collected.tnefText;
  if (!text.trim() && html) text = htmlToText(html);
  if (!text.trim() && !html && collected.attachments.length === 0) {
    // The MIME structure yielded nothing (missing or mismatched boundary): keep the raw body as text.
    const body = raw.subarray(headerBlockEnd(raw));
    if (body.some((b) => b > 0x20)) {
      text = decodeText(body, charsetParam(read('content-type') ?? undefined));
      warnings.push('MIME structure unreadable: raw body kept as text');
    }
  }
  return {
    messageId: email.messageId ? stripAngles(email.messageId) || null : null,
    inReplyTo: msgIds(email.inReplyTo)[0] ?? null,
    references: msgIds(email.references),
    threadIndex: read('thread-index')?.trim() || null,
    subject: (read('subject') ?? email.subject ?? '').trim(),
    from: addresses(email.from, read('from'))[0] ?? null,
    to: addresses(email.to, read('to')),
    cc: addresses(email.cc, read('cc')),
    replyTo: addresses(email.replyTo, read('reply-to')),
    date: parseDate(email.date),
    text,
    html,
    attachments: collected.attachments,
    ...autoReplyOf(read),
    rawSha256,
    warnings,
  };
}

/**
 * Parses one raw RFC 822 message. Never throws: unreadable input (an Outlook .msg, binary
 * data, a parser failure) comes back `ok: false` with the reason and the headers that could
 * be read, so the pipeline stores it raw and lists it as "needs attention".
 *
 * @example
 * const r = await parseMessage(readFileSync('mail.eml'));
 * if (r.ok) console.log(r.message.subject, r.message.attachments.map((a) => a.filename));
 */
export async function parseMessage(raw: Uint8Array): Promise<ParseResult> {
  const rawSha256 = sha256Hex(raw);
  const reason = notRfc822Reason(raw);
  if (reason) return { ok: false, error: reason, partial: { rawSha256, attachments: [] } };
  try {
    installCharsetHook();
    installTransferDecoders();
    // Attached messages stay attachments (.eml), so a forwarded mail is kept whole.
    const parser = new PostalMime({
      attachmentEncoding: 'arraybuffer',
      rfc822Attachments: true,
      forceRfc822Attachments: true,
    });
    const hint = messageCharsetHint(raw);
    setCharsetHint(parser, hint);
    // A view over a whole buffer goes in as that buffer: postal-mime copies any view it is given
    // (the bytes are only read; the worker's messages always come this way, see parse-pool.ts).
    const whole = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
    const email = await parser.parse(whole ? (raw.buffer as ArrayBuffer) : raw);
    return { ok: true, message: buildMessage(raw, email, rawSha256, hint) };
  } catch (err) {
    const error = `MIME parse failed: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, error, partial: partialFromHeaders(raw, rawSha256) };
  }
}
