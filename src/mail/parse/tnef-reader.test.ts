import { describe, expect, it } from 'vitest';
import { parseMessage } from './parse-message.js';
import { isTnef, readTnef } from './tnef-reader.js';

// The fixtures hold no winmail.dat with files in it, so these streams are built here
// following MS-OXTNEF: attribute = level, id|type<<16, length, data, checksum.
function attr(level: number, id: number, type: number, data: Uint8Array): Buffer {
  const head = Buffer.alloc(9);
  head.writeUInt8(level, 0);
  head.writeUInt32LE(((type << 16) | id) >>> 0, 1);
  head.writeUInt32LE(data.length, 5);
  const sum = Buffer.alloc(2);
  sum.writeUInt16LE(data.reduce((a, b) => (a + b) & 0xffff, 0));
  return Buffer.concat([head, data, sum]);
}

function pad4(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
}

/** attAttachment MAPI block with PR_ATTACH_LONG_FILENAME (PT_UNICODE) and PR_ATTACH_MIME_TAG (PT_STRING8). */
function attachmentProps(longName: string, mime: string): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const prop = (type: number, id: number, value: Buffer) =>
    Buffer.concat([
      Buffer.from([type & 0xff, type >> 8, id & 0xff, id >> 8]),
      u32(1),
      u32(value.length),
      pad4(value),
    ]);
  return Buffer.concat([
    u32(3),
    prop(0x1f, 0x3707, Buffer.from(`${longName}\0`, 'utf16le')),
    prop(0x1e, 0x370e, Buffer.from(`${mime}\0`, 'latin1')),
    // a fixed-size property in between must be skipped correctly
    Buffer.concat([Buffer.from([0x03, 0x00, 0x05, 0x0e]), u32(42)]),
  ]);
}

function buildTnef(files: { title: string; longName?: string; mime?: string; data: Buffer }[]): Buffer {
  const sig = Buffer.alloc(6);
  sig.writeUInt32LE(0x223e9f78);
  sig.writeUInt16LE(0x0001, 4);
  const parts: Buffer[] = [sig, attr(1, 0x9006, 0x0008, Buffer.from([0, 0, 1, 0]))];
  for (const f of files) {
    parts.push(attr(2, 0x9002, 0x0006, Buffer.alloc(14)));
    parts.push(attr(2, 0x8010, 0x0001, Buffer.from(`${f.title}\0`, 'latin1')));
    parts.push(attr(2, 0x800f, 0x0006, f.data));
    if (f.longName)
      parts.push(attr(2, 0x9005, 0x0006, attachmentProps(f.longName, f.mime ?? 'application/octet-stream')));
  }
  return Buffer.concat(parts);
}

describe('readTnef', () => {
  it('unpacks attachments, preferring the long (Unicode) file name over the 8.3 title', () => {
    const log = Buffer.from('DISM failed 0x800f081f\r\n');
    const tnef = buildTnef([
      { title: 'CBS~1.LOG', longName: '更新日志 CBS.log', mime: 'text/plain', data: log },
      { title: 'shot.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
    ]);
    expect(isTnef(tnef)).toBe(true);
    const out = readTnef(tnef);
    expect(
      out.attachments.map((a) => [a.filename, a.contentType, Buffer.from(a.content).toString('latin1')]),
    ).toEqual([
      ['更新日志 CBS.log', 'text/plain', log.toString('latin1')],
      ['shot.png', null, '\x89PNG'],
    ]);
  });

  it('rejects data that is not TNEF and keeps what was read before a truncation', () => {
    expect(() => readTnef(Buffer.from('not tnef at all'))).toThrow(/signature/);
    const tnef = buildTnef([{ title: 'a.txt', data: Buffer.from('hello') }]);
    const cut = Buffer.concat([tnef, Buffer.from([2, 0x0f, 0x80, 6, 0, 0xff, 0xff, 0, 0])]);
    expect(readTnef(cut).attachments.map((a) => a.filename)).toEqual(['a.txt']);
  });

  it('parseMessage lists the files inside winmail.dat, marked fromTnef, and keeps winmail.dat', async () => {
    const tnef = buildTnef([
      {
        title: 'REPORT~1.TXT',
        longName: '故障报告.txt',
        mime: 'text/plain',
        data: Buffer.from('hash mismatch'),
      },
    ]);
    const raw = [
      'From: "王工" <wang@example.cn>',
      'To: support@casedesk.test',
      'Subject: =?gb2312?B?uL28/g==?=',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=gb2312',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from([0xc7, 0xeb, 0xbf, 0xb4, 0xb8, 0xbd, 0xbc, 0xfe]).toString('base64'),
      '--b1',
      'Content-Type: application/ms-tnef; name="winmail.dat"',
      'Content-Disposition: attachment; filename="winmail.dat"',
      'Content-Transfer-Encoding: base64',
      '',
      tnef.toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    const r = await parseMessage(Buffer.from(raw));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.message.subject).toBe('附件');
    expect(r.message.text.trim()).toBe('请看附件');
    expect(r.message.attachments.map((a) => [a.filename, a.fromTnef, a.size])).toEqual([
      ['winmail.dat', false, tnef.length],
      ['故障报告.txt', true, 13],
    ]);
  });
});
