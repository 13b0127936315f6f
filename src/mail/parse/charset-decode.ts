import { isAscii, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { analyse } from 'chardet';
import iconv from 'iconv-lite';

/**
 * Turns the bytes of a text part or header into a string, correcting the charset labels that
 * real mail gets wrong: GB2312/GBK labels (decoded as GB18030, the superset senders really
 * use), Outlook's ks_c_5601-1987 (EUC-KR/UHC), 8-bit bodies labelled us-ascii or not labelled
 * at all (detected), UTF-8 bodies labelled with a legacy CJK charset, and Big5/GBK text that a
 * relay turned into Latin-1 mojibake. Unknown labels fall back without throwing.
 */

// Labels mapped to the decoder that reads what senders actually wrote.
const LABEL_ALIASES: Record<string, string> = {
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  cp936: 'gb18030',
  'windows-936': 'gb18030',
  'euc-cn': 'gb18030',
  'x-euc-cn': 'gb18030',
  csgb2312: 'gb18030',
  'gb_2312-80': 'gb18030',
  chinese: 'gb18030',
  hz: 'hz-gb-2312',
  'ks_c_5601-1987': 'euc-kr',
  'ks_c_5601-1989': 'euc-kr',
  ks_c_5601: 'euc-kr',
  ksc5601: 'euc-kr',
  ksc_5601: 'euc-kr',
  cp949: 'euc-kr',
  'windows-949': 'euc-kr',
  uhc: 'euc-kr',
  'big5-hkscs': 'big5',
  'x-big5': 'big5',
  cp950: 'big5',
  sjis: 'shift_jis',
  'x-sjis': 'shift_jis',
  'shift-jis': 'shift_jis',
  'windows-31j': 'shift_jis',
  cp932: 'shift_jis',
  'x-euc-jp': 'euc-jp',
  utf8: 'utf-8',
  'x-unknown': '',
  unknown: '',
  'unknown-8bit': '',
  'x-user-defined': '',
  default: '',
};

// Labels that promise 7-bit text: 8-bit bytes under them are a mislabel to detect.
const ASCII_LABELS = new Set(['us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso646-us', '']);

// Multi-byte CJK encodings: valid UTF-8 under these labels is a mislabel.
const CJK_LABELS = new Set(['gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr']);

// Encodings chardet may name that we accept when detecting (single-byte guesses are too noisy).
const DETECTABLE_CJK = new Map([
  ['GB18030', 'gb18030'],
  ['Big5', 'big5'],
  ['EUC-KR', 'euc-kr'],
  ['EUC-JP', 'euc-jp'],
  ['Shift_JIS', 'shift_jis'],
  ['ISO-2022-JP', 'iso-2022-jp'],
]);

const utf8 = new TextDecoder('utf-8');
const decoderCache = new Map<string, TextDecoder | null>();

function nativeDecoder(label: string, fatal: boolean): TextDecoder | null {
  const key = `${label}|${fatal}`;
  const cached = decoderCache.get(key);
  if (cached !== undefined) return cached;
  let dec: TextDecoder | null = null;
  try {
    dec = new TextDecoder(label, { fatal });
    // WHATWG maps some labels (iso-2022-kr, hz-gb-2312) to "replacement", which eats the text.
    if (dec.encoding === 'replacement') dec = null;
  } catch {
    dec = null;
  }
  decoderCache.set(key, dec);
  return dec;
}

/** Normalizes a charset label; returns '' for absent or meaningless labels. */
export function canonicalCharset(label: string | null | undefined): string {
  const clean = (label ?? '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  const alias = LABEL_ALIASES[clean];
  return alias ?? clean;
}

/** True when a decoder (native or iconv-lite) exists for the canonical label. */
export function isKnownCharset(canonical: string): boolean {
  if (!canonical) return false;
  return nativeDecoder(canonical, false) !== null || iconv.encodingExists(canonical);
}

/** Decodes with a known charset; null when the label is unknown or (fatal) the bytes are invalid. */
export function decodeWith(bytes: Uint8Array, canonical: string, fatal = false): string | null {
  const native = nativeDecoder(canonical, fatal);
  if (native) {
    try {
      return native.decode(bytes);
    } catch {
      return null;
    }
  }
  if (iconv.encodingExists(canonical)) {
    const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), canonical);
    return fatal && text.includes('\ufffd') ? null : text;
  }
  return null;
}

const hasHighBytes = (bytes: Uint8Array): boolean => !isAscii(bytes);

// Checked, then decoded: a fatal decoder's exception on every GBK body cost more than the decode.
const validUtf8 = (bytes: Uint8Array): string | null => (isUtf8(bytes) ? utf8.decode(bytes) : null);

/** Strongest CJK guess from chardet, or null when none is credible. */
export function detectCjk(bytes: Uint8Array, minConfidence = 50): string | null {
  for (const match of analyse(bytes)) {
    const label = DETECTABLE_CJK.get(match.name);
    if (label && match.confidence >= minConfidence && decodeWith(bytes, label, true) !== null) return label;
  }
  return null;
}

/** Latin-1 code points only (besides ASCII): the mark of bytes decoded as ISO-8859-1 and re-encoded. */
function isLatin1Mojibake(text: string): boolean {
  let high = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return false;
    if (c >= 0x80) high++;
  }
  return high >= 2;
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Undoes "CJK bytes read as Latin-1, then saved as UTF-8" when the result decodes cleanly in
 * `charset` (or, without one, in a confidently detected CJK charset). Returns null otherwise.
 */
export function repairLatin1Mojibake(text: string, charset: string | null): string | null {
  if (!isLatin1Mojibake(text)) return null;
  const bytes = latin1Bytes(text);
  const target = charset && CJK_LABELS.has(charset) ? charset : detectCjk(bytes, 90);
  if (!target) return null;
  return decodeWith(bytes, target, true);
}

function cjkShare(text: string): number {
  let high = 0;
  let cjk = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) continue;
    high++;
    if ((c >= 0x3000 && c <= 0x9fff) || (c >= 0xff00 && c <= 0xffef) || c >= 0x20000) cjk++;
  }
  return high === 0 ? 0 : cjk / high;
}

/**
 * Charset for 8-bit bytes that carry no usable label: the message's own charset when the
 * bytes fit it, a confident chardet guess for longer text, else GB18030 when it reads as
 * Chinese (CaseDesk's mail is mostly mainland Chinese; chardet cannot judge a short subject),
 * else Windows-1252.
 */
export function guessCharset(bytes: Uint8Array, hint: string | null = null): string {
  const hinted = canonicalCharset(hint);
  if (
    hinted &&
    !ASCII_LABELS.has(hinted) &&
    isKnownCharset(hinted) &&
    decodeWith(bytes, hinted, true) !== null
  ) {
    return hinted;
  }
  const detected = detectCjk(bytes, 50);
  if (detected) return detected;
  const gb = decodeWith(bytes, 'gb18030', true);
  if (gb !== null && cjkShare(gb) >= 0.8) return 'gb18030';
  return 'windows-1252';
}

/**
 * Decodes text bytes under a (possibly wrong or missing) charset label. `hint` is another
 * charset seen in the same message, used when the label is missing or says us-ascii.
 * Never throws.
 */
export function decodeText(
  bytes: Uint8Array,
  label: string | null | undefined,
  hint: string | null = null,
): string {
  const charset = canonicalCharset(label);

  // Stateful and 16-bit encodings are legitimately 7-bit or full of NULs: trust the label.
  if (/^(utf-16|utf-32|iso-2022|hz-gb|utf-7)/.test(charset) && isKnownCharset(charset)) {
    return decodeWith(bytes, charset) ?? decodeWith(bytes, 'latin1') ?? '';
  }
  if (!hasHighBytes(bytes)) return decodeWith(bytes, 'utf-8') ?? '';

  const asUtf8 = validUtf8(bytes);
  if (charset === 'utf-8') {
    if (asUtf8 !== null) return asUtf8;
    const detected = detectCjk(bytes);
    return decodeWith(bytes, detected ?? 'utf-8') ?? '';
  }

  if (asUtf8 !== null) {
    // Valid multi-byte UTF-8 is almost never an accident in another charset: the label is wrong.
    return repairLatin1Mojibake(asUtf8, CJK_LABELS.has(charset) ? charset : null) ?? asUtf8;
  }

  if (ASCII_LABELS.has(charset) || !isKnownCharset(charset)) {
    return decodeWith(bytes, guessCharset(bytes, hint)) ?? '';
  }

  const declared = decodeWith(bytes, charset) ?? '';
  if (!CJK_LABELS.has(charset)) {
    // A single-byte label over CJK bytes: only override on a strong, clean detection.
    const detected = detectCjk(bytes, 80);
    return detected ? (decodeWith(bytes, detected) ?? declared) : declared;
  }
  if (declared.includes('\ufffd')) {
    const detected = detectCjk(bytes, 50);
    if (detected && detected !== charset) return decodeWith(bytes, detected) ?? declared;
  }
  return declared;
}
