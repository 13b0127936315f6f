import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One measured figure, written to bench/results/NAME.json. */
export type BenchFigure = {
  name: string;
  value: number;
  unit: string;
  target: number | null;
  better: 'higher' | 'lower';
  params: Record<string, unknown>;
  at: string;
};

/** A benchmark module (bench/*.bench.ts) exports `run`, returning its figures. */
export type BenchModule = { run: (opts: { quick: boolean }) => Promise<Omit<BenchFigure, 'at'>[]> };

export const resultsDir = join(import.meta.dirname, 'results');

export function writeFigure(figure: Omit<BenchFigure, 'at'>): BenchFigure {
  const full: BenchFigure = { ...figure, at: new Date().toISOString() };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${figure.name}.json`), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/** p-th percentile (0..100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}
