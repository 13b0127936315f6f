import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectLogKind } from './log-kind.js';
import { builtinRules } from './rule-compiler.js';
import { LogScanner, scanText } from './rule-engine.js';
import { readWinlog, winlogFixtures } from './test-fixtures.js';

const scan = (name: string, text: string) =>
  scanText(text, { file: name, kind: detectLogKind(name, text), rules: builtinRules() });

describe('LogScanner', () => {
  it('gives the same findings however the text is chunked', () => {
    const name = 'alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log';
    const text = readWinlog(name);
    const whole = scan(name, text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 30 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const scanner = new LogScanner({ file: name, kind: 'cbs', rules: builtinRules() });
        let prev = 0;
        for (const p of [...points, text.length]) {
          scanner.push(text.slice(prev, p));
          prev = p;
        }
        expect(scanner.end()).toEqual(whole);
        expect(scanner.lines.count).toBe(text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
      }),
      { numRuns: 60 },
    );
  });

  it('counts bare LF inside CRLF files as lines, as an editor does', () => {
    const findings = scan(
      'x.log',
      readWinlog('appostarsi_cbs_scanhealth_hash_mismatch_hydration_failed.log'),
    );
    const first = findings.find((f) => f.rule === 'hash-mismatch');
    expect(first?.line).toBe(11);
    expect(first?.excerpt.split('\n')[1]).toContain(
      "Hashes for file member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll'",
    );
  });

  it('folds repeats into one finding with the later line numbers', () => {
    const findings = scan('x.log', readWinlog('appostarsi_cbs_sfc_cannot_repair_member_file.log'));
    const yu = findings.find((f) => f.rule === 'hash-mismatch' && f.message.includes('YuGothB.ttc'));
    expect(yu).toMatchObject({ line: 33, occurrences: 4, moreLines: [37, 42, 45] });
  });

  it('finds nothing in text without servicing errors', () => {
    expect(scan('notes.txt', 'All updates installed.\nNothing to see here.\n')).toEqual([]);
  });

  it('every fixture is read as the kind of log it is', () => {
    const kinds = Object.fromEntries(winlogFixtures().map((f) => [f, detectLogKind(f, readWinlog(f))]));
    for (const [f, kind] of Object.entries(kinds)) {
      const expected = /setupapi/.test(f)
        ? 'setupapi'
        : /windowsupdate/.test(f)
          ? 'windowsupdate'
          : /dism/.test(f) && !/cbs/.test(f)
            ? 'dism'
            : /checksur_summary_manifest/.test(f)
              ? 'checksur'
              : 'cbs';
      expect(kind, f).toBe(expected);
    }
    expect(detectLogKind('C:\\Windows\\Logs\\CBS\\CBS.log', '')).toBe('cbs');
    expect(detectLogKind('setupapi.dev.log', '')).toBe('setupapi');
    expect(detectLogKind('WindowsUpdate.log', '')).toBe('windowsupdate');
  });
});
