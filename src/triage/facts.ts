import { describeErrorCode, formatErrorCode, parseErrorCode } from './error-codes.js';

export type FactKind = 'kb' | 'error_code' | 'hash' | 'path' | 'case_number';
export type HashAlgorithm = 'md5' | 'sha1' | 'sha256';

export type FactDetail = {
  /** error_code: symbolic name and meaning, when the code is known. */
  name?: string;
  message?: string;
  /** hash: algorithm guessed from the digest length. */
  algorithm?: HashAlgorithm;
  /** hash given in base64 in the source (older CBS logs); `normalized` is hex. */
  encoding?: 'hex' | 'base64';
};

/** A searchable fact: `value` as written, `normalized` the form to index and compare. */
export type Fact = { kind: FactKind; value: string; normalized: string; detail?: FactDetail };

const ALGORITHM_BY_HEX_LENGTH: Record<number, HashAlgorithm> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };
const ALGORITHM_BY_BYTES: Record<number, HashAlgorithm> = { 16: 'md5', 20: 'sha1', 32: 'sha256' };

// Not inside identifiers or paths: "Wrapper-DDDA…" and "\Download\af20…" are names, not digests.
const HASH_RE = /(?<![\w\\/.-])[0-9a-fA-F]{32,64}(?![\w-])/g;
const KB_RE = /(?<![A-Za-z0-9])KB[ -]?(\d{6,7})(?!\d)/gi;
const KB_URL_RE = /\/kb\/(\d{6,7})(?!\d)/gi;
const CASE_RE = /(?<![A-Za-z0-9])CAS-\d{5}-[A-Za-z0-9]{6}(?![A-Za-z0-9])/gi;
const HEX_CODE_RE = /(?<![\w@])0x[0-9a-fA-F]{8}(?![\w])/g;
// Windows Update prints "[80240061]"; DISM prints "Error: 14098"; CSI prints HRESULT_FROM_WIN32(14098).
const BRACKET_CODE_RE = /\[([0-9A-Fa-f]{8})\]/g;
const DECIMAL_CODE_RE = /(?:\bError:\s*|HRESULT_FROM_WIN32\()(\d{2,5})\b/g;
// Stops at whitespace, quotes, brackets and CJK/full-width punctuation ("…manifest。").
const PATH_RE =
  /(?:\\\\\?\\|\\\?\?\\)?(?:[A-Za-z]:\\|\\SystemRoot\\|%(?:windir|systemroot)%\\)[^\s"'<>|*?[\]{}()\u3000-\u303f\uff00-\uffef]*/gi;

/** Lower-cases, collapses doubled backslashes, drops \\?\ and \??\ prefixes, expands SystemRoot. */
export function normalizeWindowsPath(path: string): string {
  return path
    .replace(/^(?:\\\\\?\\|\\\?\?\\)/, '')
    .replace(/^(?:\\SystemRoot|%(?:windir|systemroot)%)(?=\\)/i, 'C:\\Windows')
    .replace(/\\{2,}/g, '\\')
    .toLowerCase();
}

/** Hex digests stay hex (lower-case); a 44-character base64 SHA-256 becomes hex. Null if neither. */
export function normalizeHash(
  value: string,
): { hex: string; algorithm: HashAlgorithm; encoding: 'hex' | 'base64' } | null {
  if (/^[0-9a-fA-F]+$/.test(value)) {
    const algorithm = ALGORITHM_BY_HEX_LENGTH[value.length];
    return algorithm ? { hex: value.toLowerCase(), algorithm, encoding: 'hex' } : null;
  }
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    const algorithm = ALGORITHM_BY_BYTES[bytes.length];
    return algorithm ? { hex: bytes.toString('hex'), algorithm, encoding: 'base64' } : null;
  }
  return null;
}

/** Builds an error_code fact; failure codes are kept even when not in the table. Success → null. */
export function errorCodeFact(raw: string): Fact | null {
  const value = parseErrorCode(raw);
  if (value === null || value < 0x80000000) return null;
  const info = describeErrorCode(value);
  const fact: Fact = { kind: 'error_code', value: raw, normalized: info?.code ?? formatErrorCode(value) };
  if (info) fact.detail = { name: info.name, message: info.message };
  return fact;
}

export function hashFact(raw: string): Fact | null {
  const hash = normalizeHash(raw);
  if (!hash) return null;
  return {
    kind: 'hash',
    value: raw,
    normalized: hash.hex,
    detail: { algorithm: hash.algorithm, encoding: hash.encoding },
  };
}

export function pathFact(raw: string): Fact | null {
  const trimmed = raw.replace(/[.,;:]+$/, '');
  if (trimmed.length <= 3) return null;
  return { kind: 'path', value: trimmed, normalized: normalizeWindowsPath(trimmed) };
}

/**
 * Extracts KB numbers, error codes, hashes, Windows paths and case numbers from free text
 * (a mail body, a log excerpt). Each fact appears once (by kind + normalized), in order of
 * first appearance.
 *
 * @example extractFacts('请下载 KB5005112: https://x/kb/5005112, 报错 0x80073712')
 */
export function extractFacts(text: string): Fact[] {
  const found: { index: number; fact: Fact }[] = [];
  const scan = (re: RegExp, make: (m: RegExpExecArray) => Fact | null) => {
    for (const m of text.matchAll(re)) {
      const fact = make(m);
      if (fact) found.push({ index: m.index ?? 0, fact });
    }
  };
  const kb = (m: RegExpExecArray): Fact => ({ kind: 'kb', value: m[0], normalized: `KB${m[1]}` });
  scan(KB_RE, kb);
  scan(KB_URL_RE, kb);
  scan(CASE_RE, (m) => ({ kind: 'case_number', value: m[0], normalized: m[0].toUpperCase() }));
  scan(HEX_CODE_RE, (m) => errorCodeFact(m[0]));
  scan(BRACKET_CODE_RE, (m) => errorCodeFact(m[1] as string));
  scan(DECIMAL_CODE_RE, (m) => errorCodeFact(m[1] as string));
  scan(HASH_RE, (m) => hashFact(m[0]));
  scan(PATH_RE, (m) => pathFact(m[0]));
  found.sort((a, b) => a.index - b.index);
  return dedupeFacts(found.map((f) => f.fact));
}

/** Keeps the first fact for each kind + normalized value. */
export function dedupeFacts(facts: Fact[]): Fact[] {
  const seen = new Set<string>();
  const out: Fact[] = [];
  for (const fact of facts) {
    const key = `${fact.kind}\u0000${fact.normalized}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fact);
  }
  return out;
}
