import addressparser from 'nodemailer/lib/addressparser';
import type { EmailAddress } from '../../platform/db/schema.js';
import { invalid } from '../../platform/errors.js';

/**
 * Pure helpers for the headers of outgoing mail: Message-IDs, a References chain trimmed to a size
 * every mail system accepts, and recipient lists checked before anything is stored.
 */

/**
 * A new Message-ID `uuid@domain`, stored bare (no angle brackets) as every Message-ID in the
 * database is; the header shows it as `<uuid@domain>`. The uuid is passed in so this stays pure.
 */
export function newMessageId(uuid: string, domain: string): string {
  return `${uuid}@${domain}`;
}

// RFC 5322 msg-id without its angle brackets: `left@right`, no whitespace or brackets inside.
const MSG_ID = /^[^<>\s@]+@[^<>\s@]+$/;

/** A Message-ID as stored (bare), from a value with or without `<>`; null when it is not one. */
export function bareMessageId(value: string): string | null {
  const id = value.trim().replace(/^<(.*)>$/, '$1');
  return MSG_ID.test(id) ? id : null;
}

export type ReferencesLimits = {
  /** How many of the most recent ids to keep after the thread's first one. */
  keepLast: number;
  /** Longest `References:` header line allowed, name included (RFC 5322: 998). */
  maxLineLength: number;
};

export const DEFAULT_REFERENCES_LIMITS: ReferencesLimits = { keepLast: 10, maxLineLength: 998 };

/** The References header line as it is written: `References: <a> <b>`. */
export function referencesHeaderLength(ids: readonly string[]): number {
  return 'References: '.length + ids.reduce((n, id, i) => n + id.length + 2 + (i > 0 ? 1 : 0), 0);
}

/**
 * The References of a reply (bare ids): the parent's References followed by the parent's
 * Message-ID, without malformed or repeated ids, trimmed to the thread's first id plus the last
 * `keepLast` ones, and further from the middle until the header fits on one line of at most
 * `maxLineLength` characters (so no mail system has to fold or cut it). The parent's id stays last.
 *
 * @example buildReferences(['<a@x>', 'b@x'], 'c@x') // ['a@x', 'b@x', 'c@x']
 */
export function buildReferences(
  parentReferences: readonly string[],
  parentMessageId: string | null,
  limits: ReferencesLimits = DEFAULT_REFERENCES_LIMITS,
): string[] {
  const fits = (list: string[]) => referencesHeaderLength(list) <= limits.maxLineLength;
  const valid = (id: string | null): id is string => id !== null && fits([id]);
  const parent = parentMessageId === null ? null : bareMessageId(parentMessageId);
  const ids: string[] = [];
  // First occurrence wins (the root stays first); the parent's own id always goes last.
  for (const raw of parentReferences) {
    const id = bareMessageId(raw);
    if (valid(id) && id !== parent && !ids.includes(id)) ids.push(id);
  }
  if (valid(parent)) ids.push(parent);
  if (ids.length === 0) return [];
  let kept = ids.length > limits.keepLast + 1 ? [ids[0] as string, ...ids.slice(-limits.keepLast)] : ids;
  // Drop from the middle (oldest after the first) while too long; then the first; the last stays.
  while (kept.length > 2 && !fits(kept)) kept = [kept[0] as string, ...kept.slice(2)];
  if (!fits(kept)) kept = kept.slice(-1);
  return kept;
}

// Local part and domain as mail servers accept them; no spaces, quotes or brackets.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isEmailAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address);
}

/**
 * Parses recipients given as `a@b`, `Name <a@b>` or `"张三" <a@b>`, one or several per string
 * (comma-separated). Throws `mail.bad_address` naming the first value that is not a mailbox.
 */
export function parseRecipients(values: readonly string[], field = 'to'): EmailAddress[] {
  const out: EmailAddress[] = [];
  for (const value of values) {
    if (/[\r\n]/.test(value)) throw badAddress(value, field);
    if (value.trim() === '') continue;
    const parsed = addressparser(value, { flatten: true });
    if (parsed.length === 0) throw badAddress(value, field);
    for (const entry of parsed) {
      const address = (entry.address ?? '').trim();
      if (!isEmailAddress(address)) throw badAddress(value, field);
      const name = entry.name.trim();
      out.push({ name: name === '' ? null : name, address: address.toLowerCase() });
    }
  }
  return dedupe(out);
}

function dedupe(list: EmailAddress[]): EmailAddress[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const key = a.address ?? '';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function badAddress(value: string, field: string) {
  return invalid('mail.bad_address', `Not an email address in ${field}: "${value.replace(/[\r\n]/g, ' ')}"`, {
    field,
    value,
  });
}

/** Removes, from `later` lists, addresses already in earlier ones (to wins over cc over bcc). */
export function withoutRepeats(to: EmailAddress[], cc: EmailAddress[], bcc: EmailAddress[]) {
  const inTo = new Set(to.map((a) => a.address));
  const ccOnly = cc.filter((a) => !inTo.has(a.address));
  const inCc = new Set(ccOnly.map((a) => a.address));
  const bccOnly = bcc.filter((a) => !inTo.has(a.address) && !inCc.has(a.address));
  return { to, cc: ccOnly, bcc: bccOnly };
}

/** A file name safe to put in a MIME header: no path, no control characters, not empty. */
export function safeFilename(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base === '' || base === '.' || base === '..' ? 'attachment' : base.slice(0, 255);
}
