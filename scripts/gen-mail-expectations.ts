/**
 * Writes test/fixtures/emails/expected/<folder>/<name>.json from the current parser.
 * Run once after a deliberate parser change, then READ the diff by eye: subjects and file
 * names must be readable Chinese/Japanese/Korean, not mojibake. Usage:
 *   node --import tsx scripts/gen-mail-expectations.ts
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toExpectation } from '../src/mail/parse/fixture-expectation.js';
import { parseMessage } from '../src/mail/parse/parse-message.js';

const root = join(import.meta.dirname, '..', 'test', 'fixtures', 'emails');
let count = 0;
for (const folder of readdirSync(root)) {
  if (folder === 'expected' || !statSync(join(root, folder)).isDirectory()) continue;
  mkdirSync(join(root, 'expected', folder), { recursive: true });
  for (const name of readdirSync(join(root, folder))) {
    const result = await parseMessage(readFileSync(join(root, folder, name)));
    const out = join(root, 'expected', folder, `${name}.json`);
    writeFileSync(out, `${JSON.stringify(toExpectation(result), null, 2)}\n`);
    count++;
  }
}
console.log(`wrote ${count} expectations under ${join(root, 'expected')}`);
