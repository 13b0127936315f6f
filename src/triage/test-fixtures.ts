import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Test-only helpers to read the committed fixtures under test/fixtures. */
export const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures');
export const WINLOGS = join(FIXTURES, 'winlogs');

/** Every log fixture as a path relative to test/fixtures/winlogs (transcribed ones included). */
export function winlogFixtures(): string[] {
  const top = readdirSync(WINLOGS).filter((f) => /\.(log|txt)$/.test(f));
  const transcribed = readdirSync(join(WINLOGS, 'transcribed')).map((f) => `transcribed/${f}`);
  return [...top, ...transcribed].sort();
}

export const readWinlog = (name: string) => readFileSync(join(WINLOGS, name), 'utf8');
