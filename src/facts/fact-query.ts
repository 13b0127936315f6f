import { describeErrorCode } from '../triage/error-codes.js';
import {
  extractFacts,
  type FactDetail,
  type FactKind,
  normalizeHash,
  normalizeWindowsPath,
} from '../triage/facts.js';

/**
 * Turns what a user types into the normalized forms facts are stored under: `KB5005112`,
 * `kb 5005112` and `5005112` find the KB; `0x80073712`, `80073712`, `-2146498798` and
 * `ERROR_SXS_COMPONENT_STORE_CORRUPT` find the code; hashes and paths in any case.
 * `contains` is set for free text of 3 or more characters.
 */
export function factQuery(q: string): { exact: string[]; contains: string | null } {
  const text = q.trim();
  const exact = new Set<string>(extractFacts(text).map((f) => f.normalized));
  if (/^\d{6,7}$/.test(text)) exact.add(`KB${text}`);
  const code = describeErrorCode(text);
  if (code) exact.add(code.code);
  const hash = normalizeHash(text);
  if (hash) exact.add(hash.hex);
  if (text.includes('\\')) exact.add(normalizeWindowsPath(text));
  return { exact: [...exact], contains: text.length >= 3 ? text : null };
}

/** A fact as the API shows it: error codes carry their symbolic name and meaning. */
export function describeFact(kind: FactKind, normalized: string, detail: FactDetail): FactDetail {
  if (kind !== 'error_code') return detail;
  const info = describeErrorCode(normalized);
  return info ? { ...detail, name: info.name, message: info.message } : detail;
}
