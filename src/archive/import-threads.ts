import { readFile } from 'node:fs/promises';
import { DomainError } from '../platform/errors.js';
import { type ImportThreadDeps, type ImportThreadResult, importThread } from './import-thread.js';

export type ImportFailure = { file: string; error: string };

/**
 * Imports many archive files, `concurrency` at a time (each file in its own transaction), reporting
 * progress after each. One bad file does not stop the others; its error names the file (and line).
 */
export async function importThreads(
  deps: ImportThreadDeps,
  files: string[],
  options: { engineers: string[]; concurrency: number; onProgress?: (file: string) => void },
): Promise<{ results: ImportThreadResult[]; failures: ImportFailure[] }> {
  const results: (ImportThreadResult | undefined)[] = new Array(files.length);
  const failures: ImportFailure[] = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const file = files[index] as string;
      try {
        const bytes = await readFile(file);
        results[index] = await importThread(deps, { fileName: file, bytes, engineers: options.engineers });
      } catch (err) {
        failures.push({ file, error: describe(file, err) });
      }
      options.onProgress?.(file);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return { results: results.filter((r): r is ImportThreadResult => r !== undefined), failures };
}

function describe(file: string, err: unknown): string {
  if (err instanceof DomainError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${file}: no such file`;
  if (code === 'EISDIR') return `${file}: is a directory`;
  if (code === 'EACCES') return `${file}: permission denied`;
  return `${file}: ${err instanceof Error ? err.message : String(err)}`;
}
