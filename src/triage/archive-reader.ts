import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { basename, delimiter, join, relative, sep } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { DomainError } from '../platform/errors.js';

export type ArchiveLimits = {
  /** Total bytes all entries may expand to, across nesting. */
  maxTotalBytes: number;
  /** Total entries across all nested archives. */
  maxEntries: number;
  /** How deep archives may nest (1 = an archive inside the uploaded archive). */
  maxDepth: number;
  /** Uncompressed / compressed size of one entry (checked once it exceeds `ratioMinBytes`). */
  maxRatio: number;
  ratioMinBytes: number;
};

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxTotalBytes: 2 * 1024 ** 3,
  maxEntries: 10_000,
  maxDepth: 3,
  maxRatio: 200,
  ratioMinBytes: 1024 * 1024,
};

/** One file inside an archive chain; `content` must be consumed (or destroyed) before the next. */
export type ArchiveEntry = { path: string[]; content: Readable };
/** A note for files[] (e.g. a .cab with no cabextract installed). */
export type ArchiveNote = { path: string[]; note: string };
export type ArchiveItem = ArchiveEntry | ArchiveNote;

type Budget = { bytes: number; entries: number };

const zipBomb = (what: string, details: Record<string, unknown>) =>
  new DomainError('triage.zip_bomb', `Refused ${what}: looks like a zip bomb`, 422, details);

export const isArchiveName = (name: string) => /\.(zip|gz|cab)$/i.test(name);

/**
 * Opens a zip, .gz or .cab (nested too) without trusting it: entry names are validated (no
 * absolute paths, no `..`), and expanded bytes, entry count, nesting depth and compression
 * ratio are limited while streaming. Refusals are DomainErrors (`triage.zip_bomb`,
 * `triage.unsafe_path`, `archive.bad_format`). Nothing is written to disk except .cab
 * extraction, into a temporary directory under `storeDir` that is removed afterwards.
 */
export async function* openArchive(
  path: string,
  limits: Partial<ArchiveLimits> & { storeDir: string },
): AsyncGenerator<ArchiveItem> {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const budget: Budget = { bytes: 0, entries: 0 };
  yield* openAny([basename(path)], () => createReadStream(path), path, lim, budget, 0);
}

async function* openAny(
  chain: string[],
  open: () => Readable,
  diskPath: string | null,
  lim: ArchiveLimits & { storeDir: string },
  budget: Budget,
  depth: number,
): AsyncGenerator<ArchiveItem> {
  const name = chain[chain.length - 1] ?? '';
  if (/\.zip$/i.test(name)) {
    const buffer = diskPath ? null : await readLimited(open(), lim, budget, chain);
    const zip = await openZip(diskPath, buffer, chain);
    yield* zipEntries(zip, chain, lim, budget, depth);
  } else if (/\.gz$/i.test(name)) {
    const inner = [...chain.slice(0, -1), name.replace(/\.gz$/i, '')];
    const content = open()
      .pipe(createGunzip())
      .pipe(new Limiter(lim, budget, inner, null));
    yield* child(inner, content, lim, budget, depth);
  } else if (/\.cab$/i.test(name)) {
    yield* cabEntries(chain, open, diskPath, lim, budget, depth);
  } else {
    yield { path: chain, content: open().pipe(new Limiter(lim, budget, chain, null)) };
  }
}

/** An entry that is itself an archive recurses (depth-limited); otherwise it is yielded. */
async function* child(
  path: string[],
  content: Readable,
  lim: ArchiveLimits & { storeDir: string },
  budget: Budget,
  depth: number,
): AsyncGenerator<ArchiveItem> {
  if (!isArchiveName(path[path.length - 1] ?? '')) {
    yield { path, content };
    return;
  }
  if (depth + 1 > lim.maxDepth) {
    content.destroy();
    throw zipBomb(`${path.join(' > ')}: archives nested deeper than ${lim.maxDepth}`, { limit: 'depth' });
  }
  yield* openAny(path, () => content, null, lim, budget, depth + 1);
}

function openZip(diskPath: string | null, buffer: Buffer | null, chain: string[]): Promise<ZipFile> {
  // Names are decoded and validated here, not by yauzl: Windows tools write backslashes.
  const options = {
    lazyEntries: true,
    decodeStrings: false,
    validateEntrySizes: true,
    strictFileNames: false,
  };
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip?: ZipFile) =>
      err || !zip
        ? reject(
            new DomainError(
              'archive.bad_format',
              `${chain.join(' > ')} is not a readable zip: ${err?.message}`,
            ),
          )
        : resolve(zip);
    if (buffer) yauzl.fromBuffer(buffer, options, done);
    else yauzl.open(diskPath as string, options, done);
  });
}

/** Entry name as text: UTF-8 when flagged or valid, else GB18030 (Chinese Windows zip tools). */
export function decodeEntryName(raw: Buffer, utf8Flag: boolean): string {
  if (utf8Flag) return raw.toString('utf8');
  const asUtf8 = raw.toString('utf8');
  return asUtf8.includes('\uFFFD') ? iconv.decode(raw, 'gb18030') : asUtf8;
}

/** Rejects absolute paths, drive letters and `..` segments; returns the name with `/` separators. */
export function safeEntryName(name: string, chain: string[]): string {
  const normalized = name.replace(/\\/g, '/');
  const bad =
    normalized.startsWith('/') ||
    /^[A-Za-z]:/.test(normalized) ||
    normalized.split('/').some((seg) => seg === '..') ||
    normalized.includes('\0');
  const yauzlError = bad ? null : yauzl.validateFileName(normalized);
  if (bad || yauzlError) {
    throw new DomainError(
      'triage.unsafe_path',
      `Refused ${chain.join(' > ')}: entry "${name}" would be written outside the archive (absolute path or "..")`,
      422,
      { entry: name },
    );
  }
  return normalized;
}

async function* zipEntries(
  zip: ZipFile,
  chain: string[],
  lim: ArchiveLimits & { storeDir: string },
  budget: Budget,
  depth: number,
): AsyncGenerator<ArchiveItem> {
  const next = () =>
    new Promise<Entry | null>((resolve, reject) => {
      const onEntry = (e: Entry) => {
        cleanup();
        resolve(e);
      };
      const onEnd = () => {
        cleanup();
        resolve(null);
      };
      const onError = (err: Error) => {
        cleanup();
        reject(new DomainError('archive.bad_format', `${chain.join(' > ')}: ${err.message}`));
      };
      const cleanup = () => {
        zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      };
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
      zip.readEntry();
    });
  try {
    for (let entry = await next(); entry; entry = await next()) {
      const rawName = entry.fileName as unknown as Buffer;
      const name = safeEntryName(
        decodeEntryName(rawName, (entry.generalPurposeBitFlag & 0x800) !== 0),
        chain,
      );
      if (name.endsWith('/')) continue;
      budget.entries++;
      if (budget.entries > lim.maxEntries) {
        throw zipBomb(`${chain.join(' > ')}: more than ${lim.maxEntries} entries`, { limit: 'entries' });
      }
      checkRatio(entry.uncompressedSize, entry.compressedSize, lim, [...chain, name]);
      if (budget.bytes + entry.uncompressedSize > lim.maxTotalBytes) {
        throw zipBomb(`${chain.join(' > ')}: expands beyond ${lim.maxTotalBytes} bytes`, {
          limit: 'total_bytes',
        });
      }
      const raw = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry as Entry, (err, s) => (err || !s ? reject(err) : resolve(s))),
      );
      const content = raw.pipe(new Limiter(lim, budget, [...chain, name], entry.compressedSize));
      raw.on('error', (err) => content.destroy(err));
      yield* child([...chain, name], content, lim, budget, depth);
      if (!content.readableEnded) {
        content.resume();
        await new Promise((resolve) => content.once('close', resolve).once('end', resolve));
      }
    }
  } finally {
    zip.close();
  }
}

function checkRatio(uncompressed: number, compressed: number, lim: ArchiveLimits, path: string[]) {
  if (uncompressed > lim.ratioMinBytes && uncompressed / Math.max(compressed, 1) > lim.maxRatio) {
    throw zipBomb(
      `${path.join(' > ')}: compression ratio ${Math.round(uncompressed / Math.max(compressed, 1))}:1 exceeds ${lim.maxRatio}:1`,
      { limit: 'ratio' },
    );
  }
}

/** Counts expanded bytes while streaming, against the total budget and the entry's ratio. */
class Limiter extends Transform {
  private seen = 0;
  constructor(
    private readonly lim: ArchiveLimits,
    private readonly budget: Budget,
    private readonly path: string[],
    private readonly compressed: number | null,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    this.budget.bytes += chunk.length;
    if (this.budget.bytes > this.lim.maxTotalBytes) {
      cb(
        zipBomb(`${this.path.join(' > ')}: expands beyond ${this.lim.maxTotalBytes} bytes`, {
          limit: 'total_bytes',
        }),
      );
      return;
    }
    if (this.compressed !== null) {
      try {
        checkRatio(this.seen, this.compressed, this.lim, this.path);
      } catch (err) {
        cb(err as Error);
        return;
      }
    }
    cb(null, chunk);
  }
}

async function readLimited(
  s: Readable,
  lim: ArchiveLimits,
  budget: Budget,
  chain: string[],
): Promise<Buffer> {
  const parts: Buffer[] = [];
  // Nested zips are read into memory (yauzl needs random access); the budget still applies.
  for await (const chunk of s) {
    parts.push(chunk as Buffer);
    if (budget.bytes > lim.maxTotalBytes) {
      throw zipBomb(`${chain.join(' > ')}: expands beyond ${lim.maxTotalBytes} bytes`, {
        limit: 'total_bytes',
      });
    }
  }
  return Buffer.concat(parts);
}

/** Absolute path of an executable on PATH, or null. */
export async function findOnPath(cmd: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, cmd);
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

async function* cabEntries(
  chain: string[],
  open: () => Readable,
  diskPath: string | null,
  lim: ArchiveLimits & { storeDir: string },
  budget: Budget,
  depth: number,
): AsyncGenerator<ArchiveItem> {
  const cabextract = await findOnPath('cabextract');
  if (!cabextract) {
    yield { path: chain, note: 'skipped: cabextract not installed' };
    return;
  }
  const work = await mkdtemp(join(lim.storeDir, 'cab-'));
  try {
    let cabPath = diskPath;
    if (!cabPath) {
      cabPath = join(work, 'input.cab');
      await writeFile(cabPath, await readLimited(open(), lim, budget, chain));
    }
    const listing = await run(cabextract, ['-l', cabPath]);
    let declared = 0;
    let count = 0;
    for (const m of listing.matchAll(/^\s*(\d+) \|/gm)) {
      declared += Number(m[1]);
      count++;
    }
    const cabSize = (await stat(cabPath)).size;
    checkRatio(declared, cabSize, lim, chain);
    if (budget.bytes + declared > lim.maxTotalBytes || budget.entries + count > lim.maxEntries) {
      throw zipBomb(`${chain.join(' > ')}: too large or too many entries`, { limit: 'total_bytes' });
    }
    const out = join(work, 'out');
    await run(cabextract, ['-q', '-d', out, cabPath]);
    const root = await realpath(out);
    for (const file of await listFiles(root)) {
      const real = await realpath(file);
      if (!real.startsWith(root + sep))
        throw new DomainError(
          'triage.unsafe_path',
          `Refused ${chain.join(' > ')}: entry outside the archive`,
          422,
        );
      budget.entries++;
      const inner = [...chain, relative(root, real).split(sep).join('/')];
      yield* child(
        inner,
        Readable.from(await readFile(real)).pipe(new Limiter(lim, budget, inner, null)),
        lim,
        budget,
        depth,
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await listFiles(p)));
    else if (d.isFile()) out.push(p);
  }
  return out.sort();
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new DomainError('archive.bad_format', `cabextract failed: ${err.trim()}`)),
    );
  });
}
