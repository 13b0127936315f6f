import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Content-addressed file store: a file is named by the SHA-256 of its bytes, so the same bytes are
 * stored once. Writes go to a temporary file, are fsynced, then renamed into place — a file that
 * `put` returned for survives a crash. Local directory now; S3-compatible storage later behind the
 * same type.
 */
export type StoredFile = { sha256: string; size: number };

export type FileStore = {
  putBytes: (bytes: Uint8Array) => Promise<StoredFile>;
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
    await mkdir(join(target, '..'), { recursive: true });
    await rename(tempPath, target);
    const dir = await open(join(target, '..'), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
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

  return {
    tempDir,
    pathOf,
    putStream,
    async putBytes(bytes) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const existing = await stat(pathOf(sha256)).catch(() => null);
      if (existing && existing.size === bytes.length) return { sha256, size: bytes.length };
      await mkdir(tempDir, { recursive: true });
      const tempPath = join(tempDir, `${randomUUID()}.part`);
      const handle = await open(tempPath, 'w');
      try {
        await handle.writeFile(bytes);
      } finally {
        await handle.close();
      }
      return commit(tempPath, sha256, bytes.length);
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
