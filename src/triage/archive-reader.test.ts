import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { DomainError } from '../platform/errors.js';
import { findOnPath, openArchive } from './archive-reader.js';
import { runTriage } from './run-triage.js';
import { WINLOGS } from './test-fixtures.js';

type ZipInput = { name: string; data: Buffer | (() => Readable); size?: number };

function zipBuffer(entries: ZipInput[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (Buffer.isBuffer(e.data)) zip.addBuffer(e.data, e.name);
    else zip.addReadStream(e.data(), e.name, e.size === undefined ? {} : { size: e.size });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (d: Buffer) => parts.push(d));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

/** 200 MB of zeros, generated lazily so nothing large exists in memory or on disk. */
function zeros(total: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(chunk.subarray(0, n));
    },
  });
}

/** yazl refuses "..", so write a same-length name and patch it in both headers. */
function withEntryName(zip: Buffer, from: string, to: string): Buffer {
  expect(from.length).toBe(to.length);
  const out = Buffer.from(zip);
  let at = out.indexOf(from);
  let n = 0;
  while (at !== -1) {
    out.write(to, at, 'latin1');
    n++;
    at = out.indexOf(from, at + 1);
  }
  expect(n).toBe(2);
  return out;
}

async function drain(path: string, storeDir: string, limits = {}) {
  const names: string[] = [];
  for await (const item of openArchive(path, { storeDir, ...limits })) {
    names.push(item.path.join(' > '));
    if ('content' in item) for await (const _ of item.content);
  }
  return names;
}

const hasCabextract = (await findOnPath('cabextract')) !== null;
const hasGcab = (await findOnPath('gcab')) !== null;

let work: string;
let store: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'triage-archive-'));
  store = join(work, 'a', 'b', 'store');
  mkdirSync(store, { recursive: true });
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const listAll = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listAll(join(dir, d.name)).map((p) => join(d.name, p)) : [d.name],
  );

describe('openArchive', () => {
  it('refuses a zip bomb (200 MB of zeros) with a clear message, before expanding it', async () => {
    const bomb = await zipBuffer([
      { name: 'CBS.log', data: () => zeros(200 * 1024 * 1024), size: 200 * 1024 * 1024 },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const path = join(store, 'bomb.zip');
    writeFileSync(path, bomb);
    const err = await drain(path, store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'triage.zip_bomb' });
    expect((err as Error).message).toMatch(/bomb\.zip > CBS\.log: compression ratio \d+:1 exceeds 200:1/);
    expect(listAll(work)).toEqual(['a/b/store/bomb.zip']);
  }, 60_000);

  it('refuses a path-traversal entry and writes nothing outside the store', async () => {
    const zip = withEntryName(
      await zipBuffer([
        { name: 'ok.log', data: Buffer.from('fine\n') },
        { name: 'xx/xx/evil.txt', data: Buffer.from('pwned') },
      ]),
      'xx/xx/evil.txt',
      '../../evil.txt',
    );
    const path = join(store, 'traversal.zip');
    writeFileSync(path, zip);
    await expect(drain(path, store)).rejects.toMatchObject({
      code: 'triage.unsafe_path',
      message: expect.stringContaining('"../../evil.txt"'),
    });
    expect(existsSync(join(dirname(dirname(store)), 'evil.txt'))).toBe(false);
    expect(listAll(work)).toEqual(['a/b/store/traversal.zip']);
  });

  it('refuses absolute and drive-letter entry names', async () => {
    for (const bad of ['/etc/passwd', 'C:\\Windows\\x', 'a\\..\\..\\x']) {
      const name = 'y'.repeat(bad.length);
      const path = join(store, 'abs.zip');
      writeFileSync(path, withEntryName(await zipBuffer([{ name, data: Buffer.from('x') }]), name, bad));
      await expect(drain(path, store), bad).rejects.toMatchObject({ code: 'triage.unsafe_path' });
    }
  });

  it('reads nested zips and .gz, and limits nesting depth, entry count and total size', async () => {
    const cbs = readFileSync(join(WINLOGS, 'appostarsi_cbs_sfc_cannot_repair_member_file.log'));
    const inner = await zipBuffer([{ name: 'Logs/CBS/CBS.log', data: cbs }]);
    const outer = await zipBuffer([
      { name: 'inner.zip', data: inner },
      { name: 'WindowsUpdate.log.gz', data: gzipSync(Buffer.from('x\n')) },
    ]);
    const path = join(store, 'outer.zip');
    writeFileSync(path, outer);
    expect(await drain(path, store)).toEqual([
      'outer.zip > inner.zip > Logs/CBS/CBS.log',
      'outer.zip > WindowsUpdate.log',
    ]);
    await expect(drain(path, store, { maxDepth: 0 })).rejects.toMatchObject({ code: 'triage.zip_bomb' });
    await expect(drain(path, store, { maxEntries: 2 })).rejects.toMatchObject({ code: 'triage.zip_bomb' });
    await expect(drain(path, store, { maxTotalBytes: 1000 })).rejects.toMatchObject({
      code: 'triage.zip_bomb',
      message: expect.stringContaining('expands beyond 1000 bytes'),
    });
  });

  it('notes a .cab as skipped when cabextract is not installed', async () => {
    const path = join(store, 'logs.cab');
    writeFileSync(path, 'MSCF');
    const items = [];
    const savedPath = process.env.PATH;
    process.env.PATH = work; // a PATH with no cabextract on it
    try {
      for await (const item of openArchive(path, { storeDir: store })) items.push(item);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(items).toEqual([{ path: ['logs.cab'], note: 'skipped: cabextract not installed' }]);
  });

  // CI installs cabextract and gcab (which makes the test's .cab); elsewhere the test needs both.
  it.skipIf(!(hasCabextract && hasGcab) && !process.env.CI)(
    'extracts a .cab with cabextract and triages the CBS.log inside, leaving nothing behind',
    async () => {
      const cbs = readFileSync(join(WINLOGS, 'appostarsi_cbs_sfc_cannot_repair_member_file.log'));
      const src = join(work, 'src');
      mkdirSync(src);
      writeFileSync(join(src, 'CBS.log'), cbs);
      const cab = join(store, 'CMGE_Log.cab');
      execFileSync('gcab', ['-c', cab, 'CBS.log'], { cwd: src });
      const result = await runTriage([cab], { storeDir: store });
      expect(result.files).toEqual([
        { file: 'CMGE_Log.cab', kind: 'archive', bytes: expect.any(Number), lines: 0, findings: 0 },
        { file: 'CMGE_Log.cab > CBS.log', kind: 'cbs', bytes: cbs.length, lines: 56, findings: 4 },
      ]);
      expect(result.findings[0]).toMatchObject({
        rule: 'hash-mismatch',
        file: 'CMGE_Log.cab > CBS.log',
        line: 9,
      });
      expect(listAll(store)).toEqual(['CMGE_Log.cab']);
    },
  );
});

describe('runTriage', () => {
  it('finds the hash mismatch inside a zipped CBS.log and names the archive chain', async () => {
    const cbs = readFileSync(join(WINLOGS, 'appostarsi_cbs_sfc_cannot_repair_member_file.log'));
    const path = join(store, 'CMGE_Log.zip');
    writeFileSync(path, await zipBuffer([{ name: 'CBS/CBS.log', data: cbs }]));
    const result = await runTriage([path], { storeDir: store });
    expect(result.files).toEqual([
      { file: 'CMGE_Log.zip', kind: 'archive', bytes: expect.any(Number), lines: 0, findings: 0 },
      { file: 'CMGE_Log.zip > CBS/CBS.log', kind: 'cbs', bytes: cbs.length, lines: 56, findings: 4 },
    ]);
    expect(result.findings[0]).toMatchObject({
      rule: 'hash-mismatch',
      file: 'CMGE_Log.zip > CBS/CBS.log',
      line: 9,
    });
  });

  it('reads UTF-16LE logs and skips binary files', async () => {
    const text = readFileSync(
      join(WINLOGS, 'transcribed', 'issue_wsl13205_dism_error_14098_console.txt'),
      'utf8',
    );
    const utf16 = join(store, 'dism.txt');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const bin = join(store, 'trace.etl');
    writeFileSync(bin, Buffer.from([0, 1, 2, 3, 0, 0, 9, 0, 0, 0]));
    const result = await runTriage([utf16, bin], { storeDir: store });
    expect(result.findings.map((f) => [f.rule, f.code, f.line])).toEqual([
      ['component-store-corrupt', '0x80073712', 11],
    ]);
    expect(result.files[1]).toMatchObject({ kind: 'skipped', note: 'skipped: binary file' });
  });

  it('names a missing file', async () => {
    await expect(runTriage([join(store, 'nope.log')])).rejects.toMatchObject({
      code: 'triage.file_not_found',
      message: expect.stringContaining('nope.log'),
    });
  });
});
