import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { alreadyStored, renameInto, syncDirectories, writeFilesDurably } from './durable-writes.js';

/**
 * Content-addressed file store: a file is named by the SHA-256 of its bytes, so the same bytes are
 * stored once. Writes go to a temporary file, are fsynced, then renamed into place — a file that
 * `put` returned for survives a crash. Local directory now; S3-compatible storage later behind the
 * same type.
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
  /** Local path of a stored file (for tools that need one, such as archive readers). */
  pathOf: (sha256: string) => string;
  /** A scratch directory inside the store, for work that must not leave it (e.g. unpacking archives). */
  tempDir: string;
};

const SHA256 = /^[0-9a-f]{64}$/;

export function createLocalFileStore(root: string): FileStore {
  const objects = join(root, 'objects');
  const tempDir = join(root, 'tmp');
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

  /** Batch write (see writeFilesDurably); a file already stored is not written again. */
  async function putMany(items: readonly Uint8Array[]): Promise<StoredFile[]> {
    const results = items.map((bytes) => ({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
    }));
    const fresh = new Map<string, { target: string; bytes: Uint8Array }>();
    results.forEach((r, i) => {
      const target = pathOf(r.sha256);
      if (!fresh.has(r.sha256) && !alreadyStored(target, r.size))
        fresh.set(r.sha256, { target, bytes: items[i] as Uint8Array });
    });
    await writeFilesDurably([...fresh.values()], tempDir);
    return results;
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
      return (await stat(pathOf(sha256)).catch(() => null)) !== null;
    },
    open(sha256) {
      return createReadStream(pathOf(sha256));
    },
    async size(sha256) {
      return (await stat(pathOf(sha256)).catch(() => null))?.size ?? null;
    },
    async remove(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
  };
}
