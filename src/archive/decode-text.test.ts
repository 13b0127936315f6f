import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../platform/errors.js';
import { decodeText } from './decode-text.js';
import { parseThreadArchive } from './thread-format.js';

const SEED_BYTES = readFileSync(
  new URL('../../test/fixtures/seed-thread/000_673e19c121c0ecf3.txt', import.meta.url),
);
const SEED = SEED_BYTES.toString('utf8');

describe('decodeText', () => {
  it('reads the UTF-8 seed as UTF-8', () => {
    expect(decodeText(SEED_BYTES)).toEqual({ text: SEED, encoding: 'utf-8' });
  });

  it('drops a UTF-8 byte-order mark', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), SEED_BYTES]);
    expect(decodeText(withBom)).toEqual({ text: SEED, encoding: 'utf-8' });
  });

  it('reads the seed re-encoded to GB18030 (thin spaces included) to the same archive', () => {
    const gb = iconv.encode(SEED, 'gb18030');
    expect(gb.equals(SEED_BYTES)).toBe(false);
    const decoded = decodeText(gb);
    expect(decoded).toEqual({ text: SEED, encoding: 'gb18030' });
    expect(parseThreadArchive(decoded.text, 'gb.txt')).toEqual(parseThreadArchive(SEED, 'gb.txt'));
  });

  it('reads GBK and GB2312 text through GB18030', () => {
    const text = '徐先生，您好：补丁安装时发生报错：0x80073712。';
    expect(decodeText(iconv.encode(text, 'gbk'))).toEqual({ text, encoding: 'gb18030' });
    expect(decodeText(iconv.encode(text, 'gb2312'))).toEqual({ text, encoding: 'gb18030' });
  });

  it('treats plain ASCII and empty input as UTF-8', () => {
    expect(decodeText(Buffer.from('hello\n'))).toEqual({ text: 'hello\n', encoding: 'utf-8' });
    expect(decodeText(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8' });
  });

  it('refuses bytes that are neither, naming the file', () => {
    try {
      decodeText(Uint8Array.from([0x41, 0xff, 0xfe, 0x42]), 'log.bin');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('archive.bad_encoding');
      expect((e as DomainError).message).toContain('log.bin');
    }
  });
});
