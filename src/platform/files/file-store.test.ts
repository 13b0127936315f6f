import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createLocalFileStore } from './file-store.js';

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
    expect(readdirSync(store.tempDir)).toEqual([]);
  });

  it('fails the whole batch and leaves no temporary file when a write fails', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cd-files-'));
    const store = createLocalFileStore(root);
    await store.putBytes(Buffer.from('x')); // creates the directories
    const blocked = Buffer.from('blocked');
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
});
