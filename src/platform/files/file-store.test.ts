import { mkdtempSync, readdirSync } from 'node:fs';
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
