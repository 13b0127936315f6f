import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore as TusFileStore } from '@tus/file-store';
import { ERRORS, Upload } from '@tus/utils';
import type { FileStore, StoredFile } from '../platform/files/file-store.js';

const TUS_ID = /^[0-9a-f]{32}$/;
const BATCH_BYTES = 4 * 1024 * 1024;
const IDLE_STATE_MS = 6 * 3_600_000;

type HashState = { hash: Hash; bytes: number; usedAt: number };

/** Where partial uploads live: inside the file store, so a finished one is moved with a rename. */
export function tusDirectory(files: Pick<FileStore, 'tempDir'>): string {
  return join(files.tempDir, 'tus');
}

/**
 * The tus file store, computing SHA-256 while bytes arrive.
 *
 * Each PATCH appends to the running hash of its upload, kept in memory with the number of bytes it
 * covers; bytes are hashed only once they are written, so hash and file never disagree. When a
 * resume finds no state covering exactly the current offset (another server, a restart, a failed
 * write), the stored prefix is re-hashed from disk once, sequentially, and the upload carries on —
 * Node's SHA-256 state cannot be serialised, and one sequential read on a rare resume is cheaper
 * than any hashing that could be.
 *
 * `completedSize` lets HEAD answer for uploads already moved into the file store, so a client that
 * resumes a finished upload (e.g. after a reload) is told it is complete.
 */
export class HashingFileStore extends TusFileStore {
  private readonly states = new Map<string, HashState>();
  /** Bytes re-read from disk to rebuild hash states (observability; tests read it). */
  rehashedBytes = 0;

  constructor(
    directory: string,
    private readonly completedSize: (id: string) => Promise<number | null> = async () => null,
  ) {
    super({ directory });
  }

  pathOf(id: string): string {
    if (!TUS_ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return join(this.directory, id);
  }

  override async getUpload(id: string): Promise<Upload> {
    try {
      return await super.getUpload(id);
    } catch (err) {
      const size = TUS_ID.test(id) ? await this.completedSize(id) : null;
      if (size === null) throw err;
      return new Upload({ id, size, offset: size });
    }
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const path = this.pathOf(id);
    const state = await this.stateAt(id, path, offset);
    const handle = await open(path, 'r+');
    let position = offset;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    // One write in flight while the next batch is read and this one hashed: disk, socket and
    // SHA-256 work at the same time. The hash state counts bytes only once their write is done.
    let inflight: Promise<void> = Promise.resolve();
    const writeAll = async (buf: Buffer, at: number) => {
      let done = 0;
      while (done < buf.length) {
        const { bytesWritten } = await handle.write(buf, done, buf.length - done, at + done);
        done += bytesWritten;
      }
      state.bytes = at + buf.length;
      state.usedAt = Date.now();
    };
    const flush = async () => {
      await inflight;
      if (pendingBytes === 0) return;
      const buf = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      inflight = writeAll(buf, position);
      inflight.catch(() => undefined); // observed by the next flush
      position += buf.length;
      state.hash.update(buf);
    };
    let readError: unknown = null;
    try {
      for await (const chunk of readable) {
        const buf = chunk as Buffer;
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= BATCH_BYTES) await flush();
      }
    } catch (err) {
      readError = err;
    }
    // Whatever arrived before an error or a cut connection is kept: the client resumes after it.
    try {
      await flush();
      await inflight;
    } catch (err) {
      this.states.delete(id); // the file may hold part of a batch; rebuild from disk next time
      await handle.close();
      throw err;
    }
    await handle.close();
    if (readError) throw readError;
    this.evictIdle();
    return position;
  }

  override async remove(id: string): Promise<void> {
    this.states.delete(id);
    await super.remove(id);
  }

  /** SHA-256 of a complete upload of `size` bytes; its hash state is released. */
  async digest(id: string, size: number): Promise<string> {
    const state = await this.stateAt(id, this.pathOf(id), size);
    this.states.delete(id);
    return state.hash.digest('hex');
  }

  /**
   * Moves a complete upload into the file store under its SHA-256 (a rename: same file system),
   * fsynced like the store's own writes. Same bytes already stored: the upload is just dropped.
   */
  async moveInto(files: FileStore, id: string, sha256: string, size: number): Promise<StoredFile> {
    const source = this.pathOf(id);
    const existing = await files.size(sha256);
    if (existing === size) {
      await rm(source, { force: true });
    } else {
      const handle = await open(source, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const target = files.pathOf(sha256);
      await mkdir(dirname(target), { recursive: true });
      await rename(source, target);
      const dir = await open(dirname(target), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    }
    await this.configstore.delete(id);
    return { sha256, size };
  }

  /** Ids of uploads on disk (partial ones, and finished ones whose move did not happen). */
  async listIds(): Promise<string[]> {
    return (await this.configstore.list?.()) ?? [];
  }

  /** Bytes received so far for an upload, or null when it is not on disk. */
  async receivedBytes(id: string): Promise<number | null> {
    return (await stat(this.pathOf(id)).catch(() => null))?.size ?? null;
  }

  private async stateAt(id: string, path: string, offset: number): Promise<HashState> {
    const known = this.states.get(id);
    if (known && known.bytes === offset) return known;
    const hash = createHash('sha256');
    if (offset > 0) {
      await pipeline(createReadStream(path, { start: 0, end: offset - 1 }), async (source) => {
        for await (const chunk of source) hash.update(chunk as Buffer);
      });
      this.rehashedBytes += offset;
    }
    const state: HashState = { hash, bytes: offset, usedAt: Date.now() };
    this.states.set(id, state);
    return state;
  }

  private evictIdle(): void {
    const limit = Date.now() - IDLE_STATE_MS;
    for (const [id, state] of this.states) if (state.usedAt < limit) this.states.delete(id);
  }
}
