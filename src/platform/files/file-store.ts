import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { alreadyStored, renameInto, syncDirectories, writeFilesDurably } from './durable-writes.js';
import { createObjectPacks } from './object-packs.js';

/**
 * Content-addressed file store: a file is named by the SHA-256 of its bytes, so the same bytes are
 * stored once. Whatever `put…` returned for survives a crash. Two layouts side by side:
 * - objects up to PACKED_MAX that arrive as bytes (mail, attachments) are appended to pack files,
 *   one fsync per batch (object-packs.ts says why);
 * - streams (uploads) and larger objects are files of their own (`objects/ab/cd/<sha256>`): written
 *   to a temporary file, fsynced, then renamed into place.
 * Readers need not know which: `open`, `has`, `size` and `localPath` look in both. Local directory
 * now; S3-compatible storage later behind the same type.
 */
export type StoredFile = { sha256: string; size: number };

export type FileStore = {
  putBytes: (bytes: Uint8Array) => Promise<StoredFile>;
  /**
   * Stores many byte arrays at once, results in input order. Same durability as putBytes for every
   * one of them, but the fsyncs run side by side, so the file system commits them together.
   */
  putMany: (items: readonly Uint8Array[]) => Promise<StoredFile[]>;
  putStream: (stream: Readable) => Promise<StoredFile>;
  has: (sha256: string) => Promise<boolean>;
  open: (sha256: string) => Readable;
  size: (sha256: string) => Promise<number | null>;
  remove: (sha256: string) => Promise<void>;
  /** Where a file of its own is (or goes) for these bytes; see localPath for a packed object. */
  pathOf: (sha256: string) => string;
  /** A local file holding the object, for tools that need a path (archive readers): a packed object is copied out once. */
  localPath: (sha256: string) => Promise<string>;
  /** A scratch directory inside the store, for work that must not leave it (e.g. unpacking archives). */
  tempDir: string;
};

const SHA256 = /^[0-9a-f]{64}$/;
/** Objects given as bytes up to this size are packed; larger ones get a file of their own. */
export const PACKED_MAX = 4 * 1024 * 1024;

export function createLocalFileStore(root: string): FileStore {
  const objects = join(root, 'objects');
  const tempDir = join(root, 'tmp');
  const packs = createObjectPacks(join(root, 'packs'));
  const pathOf = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(objects, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  async function commit(tempPath: string, sha256: string, size: number): Promise<StoredFile> {
    const target = pathOf(sha256);
    const handle = await open(tempPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const exists = await stat(target).catch(() => null);
    if (exists && exists.size === size) {
      await rm(tempPath, { force: true });
      return { sha256, size };
    }
    await syncDirectories(renameInto(tempPath, target));
    return { sha256, size };
  }

  async function putStream(stream: Readable): Promise<StoredFile> {
    await mkdir(tempDir, { recursive: true });
    const tempPath = join(tempDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    try {
      await pipeline(stream, createWriteStream(tempPath));
    } catch (err) {
      await rm(tempPath, { force: true });
      throw err;
    }
    return commit(tempPath, hash.digest('hex'), size);
  }

  /** Batch write: small objects into a pack, large ones as files (writeFilesDurably); stored ones are skipped. */
  async function putMany(items: readonly Uint8Array[]): Promise<StoredFile[]> {
    const results = items.map((bytes) => ({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
    }));
    const packed = new Map<string, Uint8Array>();
    const loose = new Map<string, { target: string; bytes: Uint8Array }>();
    results.forEach((r, i) => {
      const bytes = items[i] as Uint8Array;
      if (packed.has(r.sha256) || loose.has(r.sha256)) return;
      const target = pathOf(r.sha256);
      if (alreadyStored(target, r.size)) return;
      if (r.size > PACKED_MAX) loose.set(r.sha256, { target, bytes });
      else if (!packs.holds(r.sha256)) packed.set(r.sha256, bytes);
    });
    await Promise.all([
      packs.put([...packed].map(([sha256, bytes]) => ({ sha256, bytes }))),
      writeFilesDurably([...loose.values()], tempDir),
    ]);
    return results;
  }

  async function looseSize(sha256: string): Promise<number | null> {
    return (await stat(pathOf(sha256)).catch(() => null))?.size ?? null;
  }

  return {
    tempDir,
    pathOf,
    putStream,
    putMany,
    async putBytes(bytes) {
      return (await putMany([bytes]))[0] as StoredFile;
    },
    async has(sha256) {
      return (await looseSize(sha256)) !== null || packs.find(sha256) !== null;
    },
    open(sha256) {
      const path = pathOf(sha256);
      const packed = packs.find(sha256);
      if (!packed) return createReadStream(path); // a missing file fails the stream with ENOENT, as before
      if (packed.size === 0) return Readable.from([]);
      return createReadStream(join(packs.dir, packed.pack), {
        start: packed.offset,
        end: packed.offset + packed.size - 1,
      });
    },
    async size(sha256) {
      return (await looseSize(sha256)) ?? packs.find(sha256)?.size ?? null;
    },
    async localPath(sha256) {
      const path = pathOf(sha256);
      if ((await looseSize(sha256)) !== null) return path;
      const packed = packs.find(sha256);
      if (!packed) throw new Error(`file ${sha256} is not in the file store`);
      // A copy as a file of its own (content-addressed, so it can stay): tools get a real path.
      await writeFilesDurably([{ target: path, bytes: packs.read(packed) }], tempDir);
      return path;
    },
    async remove(sha256) {
      await rm(pathOf(sha256), { force: true });
      await packs.remove(sha256);
    },
  };
}
