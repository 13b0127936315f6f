import { randomUUID } from 'node:crypto';
import { closeSync, fsync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes many files durably at once. Each file is written to a temporary file, fsynced, renamed
 * into place, and every directory that received a file is fsynced — so a file this returned for
 * survives a crash.
 *
 * Why the mix of calls: opening, writing, renaming and closing a small file only touch the page
 * cache and take microseconds, so they run synchronously (a trip through libuv's four-thread pool
 * costs more than the call). The fsyncs are what waits for the disk; they all run at once on the
 * pool, where the file system folds them into a few journal commits instead of one per file.
 */
export async function writeFilesDurably(
  files: readonly { target: string; bytes: Uint8Array }[],
  tempDir: string,
): Promise<void> {
  if (files.length === 0) return;
  mkdirSync(tempDir, { recursive: true });
  const open: { fd: number; tempPath: string; target: string }[] = [];
  try {
    for (const f of files) {
      const tempPath = join(tempDir, `${randomUUID()}.part`);
      const fd = openSync(tempPath, 'w');
      open.push({ fd, tempPath, target: f.target });
      for (let at = 0; at < f.bytes.length; ) at += writeSync(fd, f.bytes, at);
    }
    await Promise.all(open.map((o) => fsyncFd(o.fd)));
  } catch (err) {
    for (const o of open) {
      closeQuietly(o.fd);
      unlinkQuietly(o.tempPath);
    }
    throw err;
  }
  const dirs = new Set<string>();
  try {
    for (const o of open) {
      closeSync(o.fd);
      o.fd = -1;
      for (const dir of renameInto(o.tempPath, o.target)) dirs.add(dir);
    }
  } catch (err) {
    for (const o of open) {
      if (o.fd >= 0) closeQuietly(o.fd);
      unlinkQuietly(o.tempPath);
    }
    throw err;
  }
  await syncDirectories([...dirs]);
}

/** Whether a file of this size is already at `path` (content-addressed: same name, same bytes). */
export function alreadyStored(path: string, size: number): boolean {
  try {
    return statSync(path).size === size;
  } catch {
    return false;
  }
}

/** fsyncs directories side by side (a rename is durable only once its directory is). */
export async function syncDirectories(dirs: readonly string[]): Promise<void> {
  await Promise.all(
    dirs.map(async (dir) => {
      const fd = openSync(dir, 'r');
      try {
        await fsyncFd(fd);
      } finally {
        closeSync(fd);
      }
    }),
  );
}

/** Renames into place, creating the directory if needed; returns the directories to fsync. */
export function renameInto(tempPath: string, target: string): string[] {
  const dir = dirname(target);
  try {
    renameSync(tempPath, target);
    return [dir];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dir, { recursive: true });
  renameSync(tempPath, target);
  // A directory made just now must itself be durable: fsync its parent and the fan-out level above.
  return [dir, dirname(dir), dirname(dirname(dir))];
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => (err ? reject(err) : resolve()));
  });
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // renamed into place already, or never created
  }
}
