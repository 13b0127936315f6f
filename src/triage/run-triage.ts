import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { DomainError } from '../platform/errors.js';
import { type ArchiveLimits, isArchiveName, openArchive } from './archive-reader.js';
import { detectLogKind } from './log-kind.js';
import { builtinRules } from './rule-compiler.js';
import { LogScanner } from './rule-engine.js';
import type { CompiledRule } from './rule-schema.js';
import type { Finding, TriageFile, TriageResult } from './triage.types.js';

export type TriageOptions = {
  /** Directory triage may use for temporary files (.cab extraction); a temp dir if omitted. */
  storeDir?: string;
  limits?: Partial<ArchiveLimits>;
  rules?: CompiledRule[];
};

const HEAD_BYTES = 16 * 1024;

/**
 * Triage of log files and archives of logs: each text is typed (CBS, DISM, WindowsUpdate,
 * setupapi, CheckSUR) and run through the rules. Archive refusals (zip bomb, unsafe path)
 * throw DomainErrors; a missing file throws `triage.file_not_found`.
 *
 * @example const { files, findings } = await runTriage(['CBS.log', 'logs.zip'], {});
 */
export async function runTriage(paths: string[], opts: TriageOptions = {}): Promise<TriageResult> {
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (!s?.isFile()) throw new DomainError('triage.file_not_found', `No such file: ${p}`, 404, { path: p });
  }
  const rules = opts.rules ?? builtinRules();
  const ownStore = opts.storeDir ? null : await mkdtemp(join(tmpdir(), 'casedesk-triage-'));
  const storeDir = opts.storeDir ?? (ownStore as string);
  const files: TriageFile[] = [];
  const findings: Finding[] = [];
  try {
    for (const p of paths) {
      const name = basename(p);
      if (!isArchiveName(name)) {
        const r = await triageStream(createReadStream(p), name, rules);
        files.push(r.file);
        findings.push(...r.findings);
        continue;
      }
      files.push({ file: name, kind: 'archive', bytes: (await stat(p)).size, lines: 0, findings: 0 });
      for await (const item of openArchive(p, { ...opts.limits, storeDir })) {
        const display = item.path.join(' > ');
        if ('note' in item) {
          files.push({ file: display, kind: 'skipped', bytes: 0, lines: 0, findings: 0, note: item.note });
          continue;
        }
        const r = await triageStream(item.content, display, rules);
        files.push(r.file);
        findings.push(...r.findings);
      }
    }
  } finally {
    if (ownStore) await rm(ownStore, { recursive: true, force: true });
  }
  return { files, findings };
}

/** Picks the text encoding from a BOM, or from NUL bytes in odd positions (UTF-16LE without BOM). */
export function sniffEncoding(head: Buffer): 'utf-8' | 'utf-16le' | 'utf-16be' | 'binary' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const sample = head.subarray(0, 4096);
  let oddNuls = 0;
  let evenNuls = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 ? oddNuls++ : evenNuls++;
  if (oddNuls > sample.length / 4 && evenNuls < sample.length / 50) return 'utf-16le';
  return oddNuls + evenNuls > 0 ? 'binary' : 'utf-8';
}

/** Reads one stream as a log: detects encoding and kind from its head, then scans it. */
export async function triageStream(
  stream: Readable,
  display: string,
  rules: readonly CompiledRule[],
): Promise<{ file: TriageFile; findings: Finding[] }> {
  let bytes = 0;
  let headParts: Buffer[] | null = [];
  let scanner: LogScanner | null = null;
  let decoder: TextDecoder | null = null;
  const leaf = display.split(' > ').pop() ?? display;
  const start = (head: Buffer): boolean => {
    const enc = sniffEncoding(head);
    if (enc === 'binary') return false;
    decoder = new TextDecoder(enc);
    const text = decoder.decode(head, { stream: true });
    scanner = new LogScanner({ file: display, kind: detectLogKind(leaf, text), rules });
    scanner.push(text);
    return true;
  };
  let binary = false;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    if (binary) continue;
    if (headParts) {
      headParts.push(buf);
      if (bytes < HEAD_BYTES) continue;
      const head = Buffer.concat(headParts);
      headParts = null;
      if (!start(head)) binary = true;
      continue;
    }
    (scanner as LogScanner | null)?.push(
      (decoder as TextDecoder | null)?.decode(buf, { stream: true }) ?? '',
    );
  }
  if (headParts && !start(Buffer.concat(headParts))) binary = true;
  const s = scanner as LogScanner | null;
  if (binary || !s) {
    return {
      file: { file: display, kind: 'skipped', bytes, lines: 0, findings: 0, note: 'skipped: binary file' },
      findings: [],
    };
  }
  s.push((decoder as TextDecoder | null)?.decode() ?? '');
  const findings = s.end();
  const file: TriageFile = {
    file: display,
    kind: s.kind,
    bytes,
    lines: s.lines.count,
    findings: findings.length,
  };
  if (s.dropped) file.note = `${s.dropped} further findings not kept`;
  return { file, findings };
}
