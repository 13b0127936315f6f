/**
 * Decodes an uploaded text file whose encoding nobody declared: Chinese Windows tools still write
 * GBK/GB2312, everything else writes UTF-8.
 *
 * @example
 * decodeText(readFileSync('thread.txt')); // { text: '邮件主题：…', encoding: 'utf-8' }
 *
 * UTF-8 (with or without a BOM, which is dropped) wins whenever the bytes are valid UTF-8: GB18030 byte
 * pairs are almost never valid UTF-8, while ASCII is both. Otherwise GB18030, a superset of GBK and GB2312.
 * Bytes that are neither throw `archive.bad_encoding` instead of decoding to replacement characters.
 */
import { invalid } from '../platform/errors.js';

export type TextEncodingName = 'utf-8' | 'gb18030';

export type DecodedText = { text: string; encoding: TextEncodingName };

export function decodeText(bytes: Uint8Array, fileName?: string): DecodedText {
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    // Built outside the try: a Node without full ICU must fail loudly, not report the file as unreadable.
    const decoder = new TextDecoder(encoding, { fatal: true });
    try {
      return { text: decoder.decode(bytes), encoding };
    } catch {
      // Not this encoding: try the next one.
    }
  }
  const where = fileName === undefined ? 'the file' : fileName;
  throw invalid('archive.bad_encoding', `Cannot read ${where}: it is neither UTF-8 nor GB18030/GBK text`, {
    file: fileName,
  });
}
