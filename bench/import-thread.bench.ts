import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importThreads } from '../src/archive/import-threads.js';
import type { BenchModule } from './lib.js';
import { openBenchDatabase } from './support.js';

const seed = readFileSync(
  join(import.meta.dirname, '../test/fixtures/seed-thread/000_673e19c121c0ecf3.txt'),
  'utf8',
);

/** N distinct archives made from the seed: own case number, token, title and bodies. */
export function generateCorpus(n: number): { fileName: string; bytes: Buffer; messages: number }[] {
  const corpus = [];
  for (let i = 0; i < n; i++) {
    const number = `CAS-${String(i % 100_000).padStart(5, '0')}-${(i * 7919).toString(36).toUpperCase().padStart(6, '0').slice(-6)}`;
    const text = seed
      .replace('CAS-04814-C9T9D0', number)
      .replace('CMIT:0001334', `CMIT:${String(i + 1).padStart(7, '0')}`)
      .replace('补丁更新失败', `补丁更新失败 #${i}`)
      .replaceAll('徐先生', i % 2 ? '徐先生' : `客户${i}`);
    corpus.push({ fileName: `thread-${i}.txt`, bytes: Buffer.from(text), messages: 11 });
  }
  return corpus;
}

export const run: BenchModule['run'] = async ({ quick }) => {
  const threads = quick ? 100 : 1000;
  const dir = mkdtempSync(join(tmpdir(), 'casedesk-bench-threads-'));
  const files = generateCorpus(threads).map((file) => {
    const path = join(dir, file.fileName);
    writeFileSync(path, file.bytes);
    return path;
  });
  const figures = [];
  try {
    for (const kind of ['postgres', 'pglite'] as const) {
      // As `casedesk import-thread` does: 8 files at a time on PostgreSQL, one at a time on PGlite.
      const concurrency = kind === 'postgres' ? 8 : 1;
      const database = await openBenchDatabase(kind);
      try {
        const start = performance.now();
        const { results, failures } = await importThreads(
          { db: database.db, trackingPrefix: 'CMIT' },
          files,
          {
            engineers: ['Li Qi', 'Jia Wei'],
            concurrency,
          },
        );
        const seconds = (performance.now() - start) / 1000;
        if (failures.length || results.some((r) => !r.created))
          throw new Error(`bench import failed: ${failures[0]?.error}`);
        const messages = results.reduce((sum, r) => sum + r.messages, 0);
        figures.push({
          name: `thread_import_${kind}_messages_per_s`,
          value: Math.round(messages / seconds),
          unit: 'messages/s',
          target: kind === 'postgres' ? 2000 : 500,
          better: 'higher' as const,
          params: {
            threads,
            messages,
            seconds: Number(seconds.toFixed(2)),
            database: kind,
            concurrency,
            fromFiles: true,
          },
        });
      } finally {
        await database.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
};
