import { describe, expect, it } from 'vitest';
import { conversationRoot } from './thread-index.js';

const header = Buffer.from([0x01, 0xd7, ...Array.from({ length: 20 }, (_, i) => i + 1)]);
const child = (n: number) => Buffer.from([n, n, n, n, n]);

describe('conversationRoot', () => {
  it('is the same for a message and every reply below it', () => {
    const root = conversationRoot(header.toString('base64'));
    expect(root).toBe(header.toString('hex'));
    expect(conversationRoot(Buffer.concat([header, child(1)]).toString('base64'))).toBe(root);
    expect(conversationRoot(Buffer.concat([header, child(1), child(2)]).toString('base64'))).toBe(root);
  });
  it('differs between conversations', () => {
    const other = Buffer.from(header);
    other[21] = 0xff;
    expect(conversationRoot(other.toString('base64'))).not.toBe(conversationRoot(header.toString('base64')));
  });
  it('rejects what is not a Thread-Index', () => {
    expect(conversationRoot(null)).toBeNull();
    expect(conversationRoot('')).toBeNull();
    expect(conversationRoot('not base64 at all!')).toBeNull();
    expect(conversationRoot(Buffer.alloc(10, 1).toString('base64'))).toBeNull();
    expect(conversationRoot(Buffer.concat([header, Buffer.from([1, 2])]).toString('base64'))).toBeNull();
    expect(conversationRoot(Buffer.alloc(22).toString('base64'))).toBeNull();
  });
});
