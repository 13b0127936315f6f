import { decodeText } from './charset-decode.js';
import { decodeEncodedWords } from './encoded-words.js';

export type RawHeader = { key: string; value: Uint8Array };

/** Offset of the first byte after the top-level header block (after the blank line). */
export function headerBlockEnd(raw: Uint8Array): number {
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return i + 2;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 3;
  }
  return raw.length;
}

/**
 * Reads the top-level headers as bytes, unfolded. postal-mime reads header lines as UTF-8,
 * which destroys raw 8-bit GBK/Big5 headers; these bytes let us decode them properly.
 */
export function readRawHeaders(raw: Uint8Array): RawHeader[] {
  const end = headerBlockEnd(raw);
  const text = Buffer.from(raw.buffer, raw.byteOffset, end).toString('latin1');
  const headers: { key: string; value: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value += line;
      continue;
    }
    const sep = line.indexOf(':');
    if (sep <= 0) continue;
    headers.push({ key: line.slice(0, sep).trim().toLowerCase(), value: line.slice(sep + 1).trim() });
  }
  return headers.map((h) => ({ key: h.key, value: Buffer.from(h.value, 'latin1') }));
}

/** A header value, decoded: raw 8-bit bytes via the message's charset `hint`, then encoded words. */
export function decodeHeaderBytes(value: Uint8Array, hint: string | null): string {
  const text = decodeText(value, null, hint);
  return decodeEncodedWords(text).replace(/[\r\n]+/g, ' ');
}

/**
 * The first non-ASCII charset any part of the message declares: the best guess for raw
 * 8-bit header bytes, which carry no label of their own.
 */
export function messageCharsetHint(raw: Uint8Array): string | null {
  const text = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, 256 * 1024)).toString(
    'latin1',
  );
  for (const m of text.matchAll(/charset\s*=\s*"?([\w.:-]+)/gi)) {
    const label = (m[1] ?? '').toLowerCase();
    if (!/^(us-)?ascii$|^utf-?8$/.test(label)) return label;
  }
  return null;
}

/** The charset parameter of a Content-Type value, if any. */
export function charsetParam(contentType: string | undefined): string | null {
  const m = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return m?.[1] ?? null;
}
