import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createLocalFileStore, PACKED_MAX } from './file-store.js';

/** A store whose one pack holds one object: the pack's path, to damage it as a crash would. */
async function storeWithOnePack(content: string) {
  const root = mkdtempSync(join(tmpdir(), 'cd-files-'));
  const stored = await createLocalFileStore(root).putBytes(Buffer.from(content));
  const [pack] = readdirSync(join(root, 'packs'));
  return { root, stored, path: join(root, 'packs', pack as string) };
}

describe('content-addressed file store', () => {
  it('stores bytes once under their SHA-256 and reads them back', async () => {
    const store = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-files-')));
    const a = await store.putBytes(Buffer.from('补丁更新失败 0x80073712'));
    const b = await store.putStream(Readable.from([Buffer.from('补丁更新失败 '), Buffer.from('0x80073712')]));
    expect(a).toEqual(b);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await text(store.open(a.sha256))).toBe('补丁更新失败 0x80073712');
    expect(await store.size(a.sha256)).toBe(a.size);
    expect(readdirSync(store.tempDir)).toEqual([]);
    await store.remove(a.sha256);
    expect(await store.has(a.sha256)).toBe(false);
  });

  it('stores many at once, in input order, each distinct file once', async () => {
    const store = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-files-')));
    const before = await store.putBytes(Buffer.from('已经存在'));
    const items = [
      Buffer.from('一'),
      Buffer.from('已经存在'),
      Buffer.from('二'),
      Buffer.from('一'),
      Buffer.alloc(0),
    ];
    const stored = await store.putMany(items);
    expect(stored.map((s) => s.size)).toEqual(items.map((i) => i.length));
    expect(stored[1]).toEqual(before);
    expect(stored[3]).toEqual(stored[0]);
    for (const [i, s] of stored.entries()) {
      expect(await text(store.open(s.sha256))).toBe((items[i] as Buffer).toString());
    }
    expect(existsSync(store.tempDir) ? readdirSync(store.tempDir) : []).toEqual([]);
  });

  it('fails the whole batch and leaves no temporary file when a write fails', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cd-files-'));
    const store = createLocalFileStore(root);
    await store.putBytes(Buffer.alloc(PACKED_MAX + 1, 1)); // creates the directories
    const blocked = Buffer.alloc(PACKED_MAX + 1, 2); // large: a file of its own
    const sha = (await createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-files-'))).putBytes(blocked))
      .sha256;
    mkdirSync(join(store.pathOf(sha), '..'), { recursive: true });
    mkdirSync(store.pathOf(sha)); // a directory where the file must go: the rename fails
    await expect(store.putMany([Buffer.from('fine'), blocked])).rejects.toThrow();
    expect(readdirSync(store.tempDir)).toEqual([]);
  });

  it('leaves nothing behind when a stream fails midway', async () => {
    const store = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-files-')));
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection dropped'));
      },
    });
    await expect(store.putStream(failing)).rejects.toThrow('connection dropped');
    expect(readdirSync(store.tempDir)).toEqual([]);
  });

  it('packs small objects: one pack per process, readable by another store on the same directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cd-files-'));
    const writer = createLocalFileStore(root);
    const reader = createLocalFileStore(root); // another server sharing the store
    const [a, b] = await writer.putMany([Buffer.from('补丁更新失败'), Buffer.from('CBS.log')]);
    expect(readdirSync(join(root, 'packs'))).toHaveLength(1);
    expect(existsSync(writer.pathOf(a?.sha256 as string))).toBe(false); // no file per object
    expect(await text(reader.open(a?.sha256 as string))).toBe('补丁更新失败');
    const c = await writer.putBytes(Buffer.from('written after the reader looked'));
    expect(await reader.has(c.sha256)).toBe(true); // a miss reads what was appended since
    expect(await reader.size(b?.sha256 as string)).toBe(7);
    // A tool that needs a path gets a file of its own, with the same bytes.
    expect(readFileSync(await reader.localPath(b?.sha256 as string), 'utf8')).toBe('CBS.log');
    await writer.remove(a?.sha256 as string);
    expect(await createLocalFileStore(root).has(a?.sha256 as string)).toBe(false); // the tombstone holds after a restart
    expect(await text(createLocalFileStore(root).open(c.sha256))).toBe('written after the reader looked');
  });

  it('ignores a torn record at the end of a pack (a crash mid-write) and keeps everything before it', async () => {
    const { root, stored: first, path } = await storeWithOnePack('durable');
    const whole = readFileSync(path);
    // The same record again, cut short: its header promises more bytes than the file has.
    const torn = Buffer.concat([whole, whole.subarray(0, whole.length - 3)]);
    writeFileSync(path, torn);
    const after = createLocalFileStore(root);
    expect(await text(after.open(first.sha256))).toBe('durable');
    // Zeros where a header should be (a file extended but never written) end the pack too.
    writeFileSync(path, Buffer.concat([whole, Buffer.alloc(100)]));
    expect(await createLocalFileStore(root).size(first.sha256)).toBe(7);
    // Writing again never appends to a pack of an earlier process.
    await after.putBytes(Buffer.from('next'));
    expect(readdirSync(join(root, 'packs'))).toHaveLength(2);
  });

  it('writes an object again when a packed copy does not match its name', async () => {
    const { root, stored, path } = await storeWithOnePack('original bytes');
    const bytes = readFileSync(path);
    bytes.write('XXXXXXXX', bytes.length - 8); // corrupt the object's bytes, not its header
    writeFileSync(path, bytes);
    const store = createLocalFileStore(root);
    await store.putBytes(Buffer.from('original bytes'));
    expect(await text(store.open(stored.sha256))).toBe('original bytes');
  });

  it('fails a batch of small objects whose pack cannot be written, and stores nothing of it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cd-files-'));
    writeFileSync(join(root, 'packs'), 'a file where the pack directory must go');
    const store = createLocalFileStore(root);
    await expect(store.putMany([Buffer.from('一'), Buffer.from('二')])).rejects.toThrow();
    expect(
      await store.has(
        (await createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-files-'))).putBytes(Buffer.from('一')))
          .sha256,
      ),
    ).toBe(false);
  });
});
