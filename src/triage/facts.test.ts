import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractFacts, normalizeHash } from './facts.js';
import { FIXTURES } from './test-fixtures.js';

const seed = readFileSync(join(FIXTURES, 'triage', 'seed-thread.txt'), 'utf8');
const ofKind = (text: string, kind: string) =>
  extractFacts(text)
    .filter((f) => f.kind === kind)
    .map((f) => f.normalized);

describe('extractFacts on the seed thread', () => {
  const facts = extractFacts(seed);

  it('finds exactly the KBs the thread names, also from URLs and "SSU-KB…"', () => {
    expect(ofKind(seed, 'kb').sort()).toEqual(
      ['KB5003171', 'KB5003243', 'KB5003646', 'KB5004244', 'KB5005030', 'KB5005112'].sort(),
    );
  });

  it('finds 0x80073712 with its name and meaning', () => {
    expect(facts.filter((f) => f.kind === 'error_code')).toEqual([
      {
        kind: 'error_code',
        value: '0x80073712',
        normalized: '0x80073712',
        detail: {
          name: 'ERROR_SXS_COMPONENT_STORE_CORRUPT',
          message: 'The component store is in an inconsistent state.',
        },
      },
    ]);
  });

  it('finds both SHA-256 hashes of the manifest', () => {
    expect(facts.filter((f) => f.kind === 'hash')).toEqual([
      expect.objectContaining({
        normalized: '72731cc3a869e9b445f466479fdcf44cf694e717e807e3277c229cb960316102',
        detail: { algorithm: 'sha256', encoding: 'hex' },
      }),
      expect.objectContaining({
        normalized: '1aaa57c006a57122483d08d37341e401fca266c6a93468ae49dde6f3281db5a0',
        detail: { algorithm: 'sha256', encoding: 'hex' },
      }),
    ]);
  });

  it('finds the case number and the ..-abbreviated manifest path, ending before the Chinese full stop', () => {
    expect(ofKind(seed, 'case_number')).toEqual(['CAS-04814-C9T9D0']);
    expect(ofKind(seed, 'path')).toContain(
      'c:\\windows\\winsxs\\manifests\\amd64_windows-id-connecte..nt-provider-wlidfdp_31bf3856ad364e35_10.0.17763.1697_none_f17c692b894fca9f.manifest',
    );
    expect(ofKind(seed, 'path')).toContain('c:\\windows\\softwaredistribution');
  });
});

describe('extractFacts forms', () => {
  it('normalizes KB spellings', () => {
    expect(
      ofKind('KB 5004244, kb5003646, https://x/kb/5005112 and Package_for_KB5054156~31bf', 'kb'),
    ).toEqual(['KB5004244', 'KB5003646', 'KB5005112', 'KB5054156']);
  });

  it('reads codes as logs print them and skips success codes', () => {
    expect(
      ofKind('*FAILED* [80240061] / Error: 14098 / hr:0x800f081f / result 0x00000000', 'error_code'),
    ).toEqual(['0x80240061', '0x80073712', '0x800F081F']);
  });

  it('guesses hash algorithms by length and ignores hex that is part of a name or path', () => {
    const text = `md5 ${'a'.repeat(32)} sha1 ${'b'.repeat(40)} Wrapper-${'C'.repeat(64)} \\Download\\${'d'.repeat(32)}`;
    expect(extractFacts(text).map((f) => f.detail?.algorithm)).toEqual(['md5', 'sha1']);
  });

  it('turns the base64 digests of older CBS logs into hex', () => {
    expect(normalizeHash('n520k714Uu3utHa5JGQ6HQYbZphKhlMWq5pEmfnCDuw=')).toEqual({
      hex: '9f9db493bd7852edeeb476b924643a1d061b66984a865316ab9a4499f9c20eec',
      algorithm: 'sha256',
      encoding: 'base64',
    });
    expect(normalizeHash('n520k714Uu3utHa5JGQ6HQYbZphKhlMWq5pEmfnCDuw=')?.hex).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds any KB number and any case number embedded in prose', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100000, max: 9999999 }),
        fc.stringMatching(/^[A-Z0-9]{6}$/),
        fc.constantFrom('补丁', 'patch ', '：', ' (', ''),
        fc.constantFrom(' ', '。', ']', ''),
        (kb, suffix, before, after) => {
          const text = `${before}KB${kb}${before}案例号 CAS-12345-${suffix}${after}`;
          expect(ofKind(text, 'kb')).toEqual([`KB${kb}`]);
          expect(ofKind(text, 'case_number')).toEqual([`CAS-12345-${suffix}`]);
        },
      ),
    );
  });
});
