import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLogKind } from './log-kind.js';
import { builtinRules } from './rule-compiler.js';
import { scanText } from './rule-engine.js';
import { readWinlog, WINLOGS, winlogFixtures } from './test-fixtures.js';

// Expectations are generated once (UPDATE_EXPECTED=1), read by eye and committed; this compares.
const update = process.env.UPDATE_EXPECTED === '1';
const expectedDir = join(WINLOGS, 'expected');

describe('findings on the real log fixtures match the committed expectations', () => {
  for (const name of winlogFixtures()) {
    it(name, () => {
      const text = readWinlog(name);
      const findings = scanText(text, { file: name, kind: detectLogKind(name, text), rules: builtinRules() });
      const file = join(expectedDir, `${name.replace(/^transcribed\//, 'transcribed__')}.json`);
      if (update || !existsSync(file)) {
        if (!update) throw new Error(`No expectation for ${name}; run with UPDATE_EXPECTED=1 and review it`);
        mkdirSync(expectedDir, { recursive: true });
        writeFileSync(file, `${JSON.stringify(findings, null, 2)}\n`);
      }
      expect(findings).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
