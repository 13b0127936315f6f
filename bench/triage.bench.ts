import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinRules } from '../src/triage/rule-compiler.js';
import { LogScanner } from '../src/triage/rule-engine.js';
import type { BenchModule } from './lib.js';

const WINLOGS = join(import.meta.dirname, '..', 'test', 'fixtures', 'winlogs');
const CHUNK = 1024 * 1024;

/** Lines of the real CBS fixtures, split into those no rule triggers on and the rest. */
function fixtureLines(): { benign: string[]; hits: string[] } {
  const rules = builtinRules();
  const triggers = rules.flatMap((r) => r.patterns.flatMap((p) => p.triggers));
  const lines = readdirSync(WINLOGS)
    .filter((f) => f.includes('_cbs_'))
    .flatMap((f) => readFileSync(join(WINLOGS, f), 'utf8').split('\n'))
    .filter((l) => l.length > 0)
    .map((l) => `${l}\n`);
  const hit = (l: string) => triggers.some((t) => l.includes(t));
  return { benign: lines.filter((l) => !hit(l)), hits: lines.filter(hit) };
}

/** ~targetBytes of log text in 1 MiB chunks: `hitEvery`-th line from the error lines, others benign. */
function buildLog(targetBytes: number, hitEvery: number): string[] {
  const { benign, hits } = fixtureLines();
  const chunks: string[] = [];
  let parts: string[] = [];
  let size = 0;
  let total = 0;
  for (let i = 0; total < targetBytes; i++) {
    const line = hitEvery <= 1 || i % hitEvery === 0 ? hits[i % hits.length] : benign[i % benign.length];
    parts.push(line as string);
    size += (line as string).length;
    if (size >= CHUNK) {
      chunks.push(parts.join(''));
      total += size;
      parts = [];
      size = 0;
    }
  }
  return chunks;
}

function measure(chunks: string[], runs: number) {
  const rules = builtinRules();
  const bytes = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
  let best = Number.POSITIVE_INFINITY;
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const scanner = new LogScanner({ file: 'CBS.log', kind: 'cbs', rules });
    for (const c of chunks) scanner.push(c);
    findings = scanner.end().length;
    best = Math.min(best, performance.now() - t0);
  }
  return { mbPerS: Math.round(bytes / 1e6 / (best / 1000)), bytes, findings };
}

/**
 * Triage throughput of the rule engine over CBS log text made of real fixture lines (MB = 10^6
 * bytes). Main figure: one line in 20 is an error line the rules act on (a log in trouble; a
 * healthy CBS.log has far fewer). Second figure: nothing but error lines (worst case).
 */
export const run: BenchModule['run'] = async ({ quick }) => {
  const target = quick ? 20e6 : 200e6;
  const runs = quick ? 1 : 3;
  const mixed = measure(buildLog(target, 20), runs);
  const dense = measure(buildLog(target, 1), runs);
  return [
    {
      name: 'triage_throughput_mb_per_s',
      value: mixed.mbPerS,
      unit: 'MB/s',
      target: 200,
      better: 'higher',
      params: {
        bytes: mixed.bytes,
        runs,
        errorLineRatio: '1/20',
        source: 'CBS fixture lines',
        findings: mixed.findings,
      },
    },
    {
      name: 'triage_throughput_dense_mb_per_s',
      value: dense.mbPerS,
      unit: 'MB/s',
      target: null,
      better: 'higher',
      params: {
        bytes: dense.bytes,
        runs,
        errorLineRatio: '1/1',
        source: 'CBS fixture lines',
        findings: dense.findings,
      },
    },
  ];
};
