import { createHash } from 'node:crypto';
import type { Attachment } from 'postal-mime';
import type { ParsedAttachment } from './parsed-mail.types.js';
import { isTnef, readTnef } from './tnef-reader.js';

const EXTENSIONS: Record<string, string> = {
  'text/plain': '.txt',
  'text/html': '.html',
  'text/richtext': '.rtx',
  'text/enriched': '.txt',
  'text/calendar': '.ics',
  'text/csv': '.csv',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/jpeg': '.jpg',
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'message/rfc822': '.eml',
  'message/delivery-status': '.txt',
  'application/ms-tnef': '.dat',
  'application/pkcs7-signature': '.p7s',
  'application/pgp-signature': '.asc',
};

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A file name safe to store: no directories, no control characters, not empty. */
export function safeFilename(name: string | null | undefined, fallback: string): string {
  const cleaned = [...(name ?? '')]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .replace(/[/\\]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  return cleaned || fallback;
}

function stripAngles(id: string | null | undefined): string | null {
  const v = (id ?? '').trim().replace(/^<|>$/g, '').trim();
  return v || null;
}

function toBytes(content: Attachment['content']): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function isTnefPart(a: Attachment, bytes: Uint8Array): boolean {
  const type = a.mimeType.toLowerCase();
  return type === 'application/ms-tnef' ||
    type === 'application/vnd.ms-tnef' ||
    (a.filename ?? '').toLowerCase() === 'winmail.dat'
    ? isTnef(bytes)
    : false;
}

export type AttachmentsResult = {
  attachments: ParsedAttachment[];
  /** Body text found inside winmail.dat (Outlook rich mail often carries no other). */
  tnefText: string | null;
  tnefHtml: string | null;
  warnings: string[];
};

/** Converts postal-mime attachments, unpacking winmail.dat and naming nameless parts. */
export function collectAttachments(
  parts: Attachment[],
  subjectOf: (eml: Uint8Array) => string | null,
): AttachmentsResult {
  const out: AttachmentsResult = { attachments: [], tnefText: null, tnefHtml: null, warnings: [] };
  parts.forEach((a, index) => {
    const content = toBytes(a.content);
    const contentType = a.mimeType.toLowerCase();
    const ext = EXTENSIONS[contentType] ?? '.bin';
    let filename = safeFilename(a.filename, `part-${index + 1}${ext}`);
    if (contentType === 'message/rfc822') {
      if (!a.filename) filename = safeFilename(subjectOf(content), `message-${index + 1}`);
      if (!/\.eml$/i.test(filename)) filename += '.eml';
    }
    const contentId = stripAngles(a.contentId);
    out.attachments.push({
      filename,
      contentType,
      size: content.byteLength,
      sha256: sha256Hex(content),
      contentId,
      // An attached message is a file to open, never something drawn inside the body.
      inline:
        contentType !== 'message/rfc822' &&
        (a.disposition === 'inline' || (a.related === true && contentId !== null)),
      fromTnef: false,
      content,
    });
    if (!isTnefPart(a, content)) return;
    try {
      const tnef = readTnef(content);
      out.tnefText ??= tnef.body;
      out.tnefHtml ??= tnef.htmlBody;
      tnef.attachments.forEach((t, i) => {
        out.attachments.push({
          filename: safeFilename(t.filename, `winmail-${i + 1}.bin`),
          contentType: (t.contentType ?? 'application/octet-stream').toLowerCase(),
          size: t.content.byteLength,
          sha256: sha256Hex(t.content),
          contentId: stripAngles(t.contentId),
          inline: false,
          fromTnef: true,
          content: t.content,
        });
      });
    } catch (err) {
      out.warnings.push(`winmail.dat could not be unpacked: ${(err as Error).message}`);
    }
  });
  return out;
}
