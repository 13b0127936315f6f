import type { TriageResult } from './triage.types.js';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Human-readable report: files read, then findings (errors first) with excerpt and next step. */
export function formatTriageReport(result: TriageResult): string {
  const out: string[] = [];
  out.push('Files');
  for (const f of result.files) {
    const extra = f.note ? `  (${f.note})` : '';
    out.push(
      `  ${f.kind.padEnd(13)} ${String(f.lines).padStart(8)} lines  ${String(f.findings).padStart(4)} findings  ${f.file}${extra}`,
    );
  }
  const findings = [...result.findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  out.push('', `Findings (${findings.length})`);
  for (const f of findings) {
    const times = f.occurrences > 1 ? ` (×${f.occurrences})` : '';
    out.push('', `${f.severity.toUpperCase().padEnd(7)} ${f.rule}  ${f.file}:${f.line}${times}`);
    out.push(`  ${f.message}`);
    if (f.code) out.push(`  code: ${f.code}${f.codeName ? ` ${f.codeName}` : ''}`);
    out.push(...f.excerpt.split('\n').map((l) => `  | ${l}`));
    out.push(...f.nextStep.split('\n').map((l, i) => `  ${i === 0 ? 'next:' : '     '} ${l}`));
  }
  return `${out.join('\n')}\n`;
}
