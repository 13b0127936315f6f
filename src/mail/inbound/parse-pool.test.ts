import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createParsePool } from './parse-pool.js';
import { parseRaw } from './parse-raw.js';

const fixtures = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'emails');
const pool = createParsePool('CMIT', 2);
afterAll(() => pool.close());

describe('parse pool (worker threads)', () => {
  it('gives exactly what parsing in this thread gives: message, attachments, unreadable mail', async () => {
    expect(await pool.ready()).toBe(true);
    const samples = [
      ...['tnef', 'cjk', 'malformed'].flatMap((d) =>
        readdirSync(join(fixtures, d)).map((f) => readFileSync(join(fixtures, d, f))),
      ),
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), // Outlook .msg: unreadable
    ];
    let attachments = 0;
    for (const raw of samples) {
      const [inWorker, here] = await Promise.all([pool.parse(raw, 'test'), parseRaw(raw, 'test', 'CMIT')]);
      expect(inWorker).toEqual(here);
      attachments += here.contents.length - 1;
    }
    expect(attachments).toBeGreaterThan(5); // the comparison covered attachment bytes too
    // …and the worker really parsed them (a worker that fails to load falls back to this thread).
    expect(pool.counts()).toEqual({ inWorker: samples.length, inThisThread: 0 });
  });

  it('parses a message that views a larger buffer (an mbox) without sending the whole buffer', async () => {
    const raw = readFileSync(join(fixtures, 'cjk', readdirSync(join(fixtures, 'cjk'))[0] as string));
    const mbox = Buffer.concat([Buffer.alloc(1024, 0x41), raw, Buffer.alloc(1024, 0x42)]);
    const view = mbox.subarray(1024, 1024 + raw.length);
    const parsed = await pool.parse(view, 'test');
    expect(parsed.contents[0]).toBe(view);
    expect(parsed.message.rawSize).toBe(raw.length);
    expect(parsed).toEqual(await parseRaw(raw, 'test', 'CMIT'));
  });

  it('parses in this thread once the pool is closed', async () => {
    const closed = createParsePool('CMIT', 1);
    await closed.ready();
    await closed.close();
    const raw = Buffer.from('From: a@b.example\r\nSubject: x\r\nMessage-ID: <x@b>\r\n\r\nhello\r\n');
    expect(await closed.parse(raw, 'test')).toEqual(await parseRaw(raw, 'test', 'CMIT'));
  });
});
