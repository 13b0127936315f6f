import { randomInt } from 'node:crypto';

/**
 * Pure helpers for upload-workspace credentials. A user name is the account's short name in
 * capitals plus a three-digit (or longer) counter, e.g. ICBC001; a case with no account, or an
 * account whose name has no Latin letters or digits, uses UPLOAD.
 */
export function userNamePrefix(accountName: string | null): string {
  const ascii = (accountName ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  const prefix = ascii.slice(0, 12);
  return /^[A-Z]/.test(prefix) ? prefix : `UPLOAD${prefix}`.slice(0, 12);
}

export function formatUserName(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(3, '0')}`;
}

/** Next counter after the user names already taken with this prefix (ICBC001, ICBC002 → 3). */
export function nextUserNumber(prefix: string, taken: readonly string[]): number {
  let max = 0;
  for (const name of taken) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (/^\d{3,}$/.test(rest)) max = Math.max(max, Number(rest));
  }
  return max + 1;
}

// No 0/o, 1/l/i: customers copy these from mail, sometimes by hand.
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';

/** A secret like `k7m2-x9qa-...` (20 characters from 31, about 99 bits); only its hash is stored. */
export function generateUploadSecret(): string {
  const groups: string[] = [];
  for (let g = 0; g < 5; g++) {
    let group = '';
    for (let i = 0; i < 4; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}
