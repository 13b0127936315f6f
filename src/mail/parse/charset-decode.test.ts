import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { canonicalCharset, decodeText, repairLatin1Mojibake } from './charset-decode.js';
import { decodeEncodedWords } from './encoded-words.js';

describe('decodeText', () => {
  it('maps the labels real mail misuses', () => {
    expect(canonicalCharset(' "GB2312" ')).toBe('gb18030');
    expect(canonicalCharset('X-GBK')).toBe('gb18030');
    expect(canonicalCharset('ks_c_5601-1987')).toBe('euc-kr');
  });

  it('repairs Big5 that a relay read as Latin-1 and re-saved as UTF-8', () => {
    const big5 = iconv.encode('大家說英語', 'big5');
    const mojibake = Buffer.from(big5.toString('latin1'), 'utf8');
    expect(decodeText(mojibake, 'big5')).toBe('大家說英語');
    // genuine Latin text is left alone
    expect(repairLatin1Mojibake('café', 'big5')).toBeNull();
  });

  it('uses the message charset hint for unlabelled 8-bit bytes, and guesses GB18030 for short Chinese', () => {
    expect(decodeText(iconv.encode('系統更新', 'big5'), null, 'big5')).toBe('系統更新');
    expect(decodeText(iconv.encode('回复：补丁安装失败', 'gbk'), 'us-ascii')).toBe('回复：补丁安装失败');
    expect(decodeText(Buffer.from([0x43, 0x61, 0x66, 0xe9]), null)).toBe('Café');
  });

  it('round-trips any Unicode text through UTF-8, GB18030 and its own label (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        expect(decodeText(Buffer.from(s, 'utf8'), 'utf-8')).toBe(s);
        expect(decodeText(iconv.encode(s, 'gb18030'), 'gb18030')).toBe(s);
      }),
    );
  });

  it('never throws on arbitrary bytes and labels (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 20 }), (bytes, label) => {
        expect(typeof decodeText(bytes, label)).toBe('string');
      }),
    );
  });
});

describe('decodeEncodedWords', () => {
  it('keeps text between words and joins only adjacent words of one charset', () => {
    expect(decodeEncodedWords('RE: =?gb2312?B?uL28/g==?= [#123]')).toBe('RE: 附件 [#123]');
    expect(decodeEncodedWords('=?utf-8?B?5L2g?= =?big5?B?pm4=?=')).toBe('你好');
  });
});
