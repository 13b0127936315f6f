import { describe, expect, it } from 'vitest';
import { looksLikeMbox, splitMbox } from './mbox-reader.js';

const text = (parts: Uint8Array[]) => parts.map((p) => Buffer.from(p).toString('latin1'));

describe('splitMbox', () => {
  it('splits on From_ lines and drops them', () => {
    const mbox =
      'From a@x Mon Mar  1 10:00:00 2021\nSubject: one\n\nbody 1\n\nFrom b@y Mon Mar  1 11:00:00 2021\nSubject: two\n\nbody 2\n';
    expect(text([...splitMbox(Buffer.from(mbox))])).toEqual([
      'Subject: one\n\nbody 1\n',
      'Subject: two\n\nbody 2\n',
    ]);
  });
  it('keeps a From inside a line, and unescapes >From lines by one level', () => {
    const mbox = 'From a@x Mon\nSubject: s\n\nsent From home\n>From the start\n>>From deeper\n';
    expect(text([...splitMbox(Buffer.from(mbox))])).toEqual([
      'Subject: s\n\nsent From home\nFrom the start\n>From deeper\n',
    ]);
  });
  it('handles CRLF files and keeps 8-bit bytes as they are', () => {
    const body = Buffer.concat([
      Buffer.from('Subject: gb\r\n\r\n'),
      Buffer.from([0xc4, 0xe3, 0xba, 0xc3]),
      Buffer.from('\r\n'),
    ]);
    const mbox = Buffer.concat([
      Buffer.from('From a@x Mon\r\n'),
      body,
      Buffer.from('\r\nFrom b@x Tue\r\nSubject: 2\r\n\r\nx\r\n'),
    ]);
    const parts = [...splitMbox(mbox)];
    expect(parts).toHaveLength(2);
    expect(Buffer.from(parts[0] as Uint8Array).equals(body)).toBe(true);
  });
  it('tells an mbox from a single message', () => {
    expect(looksLikeMbox(Buffer.from('From a@x Mon Mar 1\nSubject: s\n\nb'))).toBe(true);
    expect(looksLikeMbox(Buffer.from('From: a@x\nSubject: s\n\nb'))).toBe(false);
  });
});
