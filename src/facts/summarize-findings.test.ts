import { describe, expect, it } from 'vitest';
import { detectLogKind } from '../triage/log-kind.js';
import { builtinRules } from '../triage/rule-compiler.js';
import { scanText } from '../triage/rule-engine.js';
import { readWinlog } from '../triage/test-fixtures.js';
import type { Finding } from '../triage/triage.types.js';
import { summarizeFindings } from './triage-file.job.js';

const findingsOf = (name: string): Finding[] => {
  const text = readWinlog(name);
  return scanText(text, { file: name, kind: detectLogKind(name, text), rules: builtinRules() });
};

type Top = { rule: string; severity: string; code: string | null; meaning: string | null; kbs: string[] };

describe('the triage summary on the timeline', () => {
  it('leads with errors, one per rule, and names 0x800F081F with its meaning and where it was found', () => {
    const name = 'alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log';
    const summary = summarizeFindings(findingsOf(name)) as {
      findings: number;
      bySeverity: Record<string, number>;
      top: (Top & { file: string; line: number })[];
    };
    expect(summary.findings).toBe(18);
    expect(summary.bySeverity).toEqual({ error: 13, warning: 0, info: 5 });
    expect(summary.top.map((t) => t.rule)).toEqual([
      'checksur-summary',
      'hash-mismatch',
      'missing-payload',
      'source-missing',
      'checksur-corruption',
    ]);
    expect(summary.top.every((t) => t.severity === 'error')).toBe(true);
    const source = summary.top.find((t) => t.rule === 'source-missing');
    expect(source).toMatchObject({ code: '0x800F081F', file: name, line: 96 });
    expect(source?.meaning).toBe('The source for the package or file not found.');
  });

  it('lists the KBs a finding names, once each', () => {
    const withKb = summarizeFindings([
      {
        rule: 'failing-package',
        severity: 'error',
        code: null,
        codeName: null,
        message: 'Package KB5005112 failed',
        file: 'CBS.log',
        line: 3,
        excerpt: '',
        facts: [
          { kind: 'kb', value: 'KB5005112', normalized: 'KB5005112' },
          { kind: 'kb', value: 'KB5005112', normalized: 'KB5005112' },
        ],
        nextStep: '',
        occurrences: 1,
        moreLines: [],
      },
    ]) as { top: Top[] };
    expect(withKb.top[0]).toMatchObject({ kbs: ['KB5005112'], meaning: null });
  });
});
