import { randomInt } from 'node:crypto';

/**
 * Case numbers look like `CAS-04814-C9T9D0`: five digits from a database sequence (so two servers
 * sharing one PostgreSQL never draw the same one) and six random characters of [0-9A-Z] (so
 * numbers cannot be guessed from each other). Uniqueness is also enforced by the database.
 */
export const CASE_NUMBER_PATTERN = /^CAS-\d{5}-[0-9A-Z]{6}$/;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function formatCaseNumber(sequence: number, suffix: string): string {
  const digits = String(((sequence % 100_000) + 100_000) % 100_000).padStart(5, '0');
  return `CAS-${digits}-${suffix}`;
}

export function randomCaseSuffix(random: (max: number) => number = randomInt): string {
  let out = '';
  for (let i = 0; i < 6; i++) out += ALPHABET[random(ALPHABET.length)];
  return out;
}

export function isCaseNumber(value: string): boolean {
  return CASE_NUMBER_PATTERN.test(value);
}

/** Tracking tokens look like `CMIT:0001334`: a configured prefix and a seven-digit sequence number. */
export const TRACKING_TOKEN_PATTERN = /^[A-Z][A-Z0-9]{1,9}:\d{7}$/;

export function formatTrackingToken(prefix: string, sequence: number): string {
  return `${prefix}:${String(sequence).padStart(7, '0')}`;
}
