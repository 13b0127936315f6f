import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { invalid } from '../../platform/errors.js';
import { createIngestQueue, type IngestDeps, type IngestOutcome } from './ingest-pipeline.js';
import { looksLikeMbox, splitMbox } from './mbox-reader.js';

export type ImportMailSummary = {
  files: number;
  messages: number;
  /** Newly recorded: threaded + review + needs attention. */
  stored: number;
  duplicates: number;
  needsAttention: number;
  review: number;
  newCases: number;
  /** Threaded onto an existing case. */
  threaded: number;
  /** Files that could not be read at all (nothing of them was imported). */
  failedFiles: { path: string; error: string }[];
};

export type ImportMailProgress = {
  /** Called when more messages were found (mbox files are counted as they are read). */
  onFound?: (total: number) => void;
  onDone?: (done: number, last: IngestOutcome) => void;
};

const MAIL_EXTENSIONS = new Set(['.eml', '.msg', '.mbox', '.mbx']);

/** Files named, and mail files found under directories named (recursively, in name order). */
export async function collectMailFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw invalid('import.not_found', `No such file or directory: ${path}`, { path });
    if (info.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile() && (MAIL_EXTENSIONS.has(extname(e.name).toLowerCase()) || extname(e.name) === ''))
      out.push(full);
  }
  return out;
}

/**
 * `casedesk import-mail`: .eml files, directories and mbox files through the same pipeline as SMTP
 * and IMAP (so dedupe, threading and the review queue apply), many messages per transaction.
 * Messages are read file by file; an mbox file is held in memory while it is imported.
 */
export async function importMail(
  deps: IngestDeps,
  paths: string[],
  progress: ImportMailProgress = {},
  options: { concurrency?: number; maxBatch?: number } = {},
): Promise<ImportMailSummary> {
  const files = await collectMailFiles(paths);
  const summary: ImportMailSummary = {
    files: files.length,
    messages: 0,
    stored: 0,
    duplicates: 0,
    needsAttention: 0,
    review: 0,
    newCases: 0,
    threaded: 0,
    failedFiles: [],
  };
  const queue = createIngestQueue(deps, { maxBatch: options.maxBatch ?? 200 });
  const limit = options.concurrency ?? 64;
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let firstError: unknown = null;

  const count = (o: IngestOutcome) => {
    if (o.status === 'duplicate') summary.duplicates++;
    else {
      summary.stored++;
      if (o.status === 'needs_attention') summary.needsAttention++;
      else if (o.status === 'review') summary.review++;
      else if (o.newCase) summary.newCases++;
      else summary.threaded++;
    }
    progress.onDone?.(++done, o);
  };
  const submit = async (raw: Uint8Array, source: string) => {
    while (inFlight.size >= limit) await Promise.race(inFlight);
    const p: Promise<void> = queue
      .ingest(raw, source)
      .then(count)
      .catch((err: unknown) => {
        firstError ??= err;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      summary.failedFiles.push({ path: file, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const ext = extname(file).toLowerCase();
    if (ext === '.mbox' || ext === '.mbx' || (ext !== '.eml' && looksLikeMbox(bytes))) {
      const messages = [...splitMbox(bytes)];
      summary.messages += messages.length;
      progress.onFound?.(summary.messages);
      let n = 0;
      for (const m of messages) await submit(m, `import:${file}#${++n}`);
    } else {
      summary.messages++;
      progress.onFound?.(summary.messages);
      await submit(bytes, `import:${file}`);
    }
    if (firstError) break;
  }
  await Promise.all(inFlight);
  await queue.drain();
  if (firstError) throw firstError;
  return summary;
}
