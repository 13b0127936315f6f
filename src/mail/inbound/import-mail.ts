import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { invalid } from '../../platform/errors.js';
import type { IngestDeps, IngestOutcome } from './ingest-pipeline.js';
import { createIngestQueue, type IngestQueue } from './ingest-queue.js';
import { looksLikeMbox, splitMbox } from './mbox-reader.js';
import type { Parse } from './parse-pool.js';

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
 * Messages are read file by file; an mbox file is held in memory while it is imported. Up to two
 * batches of messages are in flight (one being written, the next being read and parsed), within a
 * memory budget.
 */
export async function importMail(
  deps: IngestDeps,
  paths: string[],
  progress: ImportMailProgress = {},
  options: { maxBatch?: number; maxInFlightBytes?: number; parse?: Parse } = {},
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
  const maxBatch = options.maxBatch ?? 250;
  const queue = createIngestQueue(deps, { maxBatch, ...(options.parse ? { parse: options.parse } : {}) });
  try {
    return await importFiles(
      files,
      queue,
      summary,
      progress,
      options.maxInFlightBytes ?? 256 * 1024 * 1024,
      2 * maxBatch,
    );
  } finally {
    await queue.close();
  }
}

async function importFiles(
  files: string[],
  queue: IngestQueue,
  summary: ImportMailSummary,
  progress: ImportMailProgress,
  maxInFlightBytes: number,
  maxInFlight: number,
): Promise<ImportMailSummary> {
  const room = inFlightLimit(maxInFlight, maxInFlightBytes);
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
    await room.take(raw.length);
    queue
      .ingest(raw, source)
      .then(count)
      .catch((err: unknown) => {
        firstError ??= err;
      })
      .finally(() => room.give(raw.length));
  };

  for (const file of files) {
    let bytes: Buffer;
    try {
      // Synchronous on purpose: a mail file is small and read once; going through the thread pool
      // (open, stat, read, close) costs more than the read and competes with the fsyncs.
      bytes = readFileSync(file);
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
  await room.empty();
  await queue.drain();
  if (firstError) throw firstError;
  return summary;
}

/** Bounds the messages in flight by count and bytes (one message is always let through). */
function inFlightLimit(maxCount: number, maxBytes: number) {
  let count = 0;
  let bytes = 0;
  let wake: (() => void) | null = null;
  const full = (size: number) => count > 0 && (count >= maxCount || bytes + size > maxBytes);
  return {
    async take(size: number): Promise<void> {
      while (full(size)) await new Promise<void>((r) => (wake = r));
      count++;
      bytes += size;
    },
    give(size: number): void {
      count--;
      bytes -= size;
      const w = wake;
      wake = null;
      w?.();
    },
    async empty(): Promise<void> {
      while (count > 0) await new Promise<void>((r) => (wake = r));
    },
  };
}
