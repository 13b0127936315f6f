import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bareMessageId,
  buildReferences,
  newMessageId,
  parseRecipients,
  safeFilename,
  withoutRepeats,
} from './message-headers.js';

const id = (n: number, pad = 0) => `m${n}${'x'.repeat(pad)}@example.com`;

describe('buildReferences', () => {
  it('is the parent references followed by the parent id', () => {
    expect(buildReferences([id(1), id(2)], id(3))).toEqual([id(1), id(2), id(3)]);
  });

  it('starts a chain from a parent without references, and is empty without a parent', () => {
    expect(buildReferences([], id(1))).toEqual([id(1)]);
    expect(buildReferences([], null)).toEqual([]);
  });

  it('keeps the thread root and the last ten of a long thread', () => {
    const refs = Array.from({ length: 30 }, (_, i) => id(i));
    const out = buildReferences(refs, id(30));
    expect(out).toEqual([id(0), ...Array.from({ length: 10 }, (_, i) => id(21 + i))]);
  });

  it('drops malformed and repeated ids', () => {
    expect(buildReferences(['<a@x>', 'garbage', '<b c@x>', 'c@x', 'a@x', ' <c@x> '], '<d@x>')).toEqual([
      'a@x',
      'c@x',
      'd@x',
    ]);
    expect(buildReferences(['a@x', 'd@x', 'b@x'], 'd@x')).toEqual(['a@x', 'b@x', 'd@x']);
  });

  it('drops middle ids until the header fits one 998-character line', () => {
    const refs = Array.from({ length: 11 }, (_, i) => id(i, 150));
    const out = buildReferences(refs, id(99, 150));
    expect(`References: ${out.map((r) => `<${r}>`).join(' ')}`.length).toBeLessThanOrEqual(998);
    expect(out[0]).toBe(refs[0]);
    expect(out.at(-1)).toBe(id(99, 150));
  });

  it('never exceeds the limits, and keeps root and parent whenever they fit (property)', () => {
    const msgId = fc
      .tuple(fc.stringMatching(/^[a-z0-9.]{1,120}$/), fc.stringMatching(/^[a-z0-9]{1,30}\.[a-z]{2,5}$/))
      .map(([l, d]) => `${l}@${d}`);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(msgId, fc.constantFrom('r@x.cn', 'p@x.cn')), { maxLength: 60 }),
        fc.oneof(msgId, fc.constant('p@x.cn')),
        (refs, parent) => {
          const out = buildReferences(refs, parent);
          expect(`References: ${out.map((r) => `<${r}>`).join(' ')}`.length).toBeLessThanOrEqual(998);
          expect(out.length).toBeLessThanOrEqual(11);
          expect(new Set(out).size).toBe(out.length);
          expect(out.at(-1)).toBe(parent);
          const chain = [...refs.filter((r) => r !== parent), parent];
          if (out.length >= 2) expect(out[0]).toBe(chain.find((r) => r !== parent));
        },
      ),
    );
  });
});

describe('Message-IDs and recipients', () => {
  it('makes uuid@domain ids, stored without angle brackets', () => {
    const m = newMessageId('4b3c7a0e-1d2f-4e5a-9b8c-0d1e2f3a4b5c', 'support.vendor.com');
    expect(m).toBe('4b3c7a0e-1d2f-4e5a-9b8c-0d1e2f3a4b5c@support.vendor.com');
    expect(bareMessageId(`<${m}>`)).toBe(m);
    expect(bareMessageId('no at sign')).toBeNull();
  });

  it('reads plain, named, quoted Chinese and comma-separated recipients', () => {
    expect(parseRecipients(['a@b.cn', 'Wang Li <Wang.Li@ICBC.com.cn>, "张三" <zhang@icbc.com.cn>'])).toEqual([
      { name: null, address: 'a@b.cn' },
      { name: 'Wang Li', address: 'wang.li@icbc.com.cn' },
      { name: '张三', address: 'zhang@icbc.com.cn' },
    ]);
  });

  it('refuses what is not a mailbox, naming the value', () => {
    expect(() => parseRecipients(['not-an-address'])).toThrow(/Not an email address in to: "not-an-address"/);
    expect(() => parseRecipients(['a@b'], 'cc')).toThrow(/in cc/);
    expect(() => parseRecipients(['a@b.com\r\nBcc: evil@x.com'])).toThrow(/Not an email address/);
  });

  it('sends each person one copy: to wins over cc over bcc', () => {
    const a = { name: null, address: 'a@x.cn' };
    const b = { name: null, address: 'b@x.cn' };
    expect(withoutRepeats([a], [a, b], [a, b])).toEqual({ to: [a], cc: [b], bcc: [] });
  });

  it('keeps attachment names, Chinese included, without paths or control characters', () => {
    expect(safeFilename('C:\\logs\\CBS 日志.zip')).toBe('CBS 日志.zip');
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('a\r\nb.txt')).toBe('ab.txt');
    expect(safeFilename('..')).toBe('attachment');
  });
});
