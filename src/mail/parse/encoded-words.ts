import { canonicalCharset, decodeText } from './charset-decode.js';

// RFC 2047 encoded word; the text part allows stray spaces some encoders emit.
const ENCODED_WORD = /=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=/g;
const FOLDING_GAP = /^[ \t\r\n]*$/;

function qBytes(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '_') {
      out.push(0x20);
    } else if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(text.charCodeAt(i) & 0xff);
    }
  }
  return out;
}

function wordBytes(encoding: string, text: string): number[] {
  if (encoding.toUpperCase() === 'Q') return qBytes(text);
  return [...Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ''), 'base64')];
}

/**
 * Decodes RFC 2047 encoded words. Adjacent words in the same charset are joined at the byte
 * level before decoding, so a multi-byte character split across two words (each padded
 * base64, as some mailers do) comes out whole; whitespace between adjacent words is dropped.
 *
 * @example decodeEncodedWords('=?UTF-8?B?5L2g5aU=?= =?UTF-8?B?vQ==?=') // '你好'
 */
export function decodeEncodedWords(value: string): string {
  let out = '';
  let pos = 0;
  let run: { charset: string; bytes: number[] } | null = null;
  const flush = (): void => {
    if (run) out += decodeText(Uint8Array.from(run.bytes), run.charset);
    run = null;
  };
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(pos, m.index);
    if (!(run && FOLDING_GAP.test(between))) {
      flush();
      out += between;
    }
    // RFC 2231 allows a language suffix: =?utf-8*zh?B?...?=
    const charset = canonicalCharset((m[1] ?? '').split('*')[0]);
    const bytes = wordBytes(m[2] ?? 'B', m[3] ?? '');
    const current = run as { charset: string; bytes: number[] } | null;
    if (current && current.charset === charset) {
      for (const b of bytes) current.bytes.push(b);
    } else {
      flush();
      run = { charset, bytes };
    }
    pos = (m.index ?? 0) + m[0].length;
  }
  flush();
  return out + value.slice(pos);
}
