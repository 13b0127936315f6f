import { decodeText, decodeWith } from './charset-decode.js';

/**
 * Minimal TNEF (winmail.dat) reader. No maintained npm package parses TNEF from a buffer
 * (node-tnef is a path-based CLI that logs to the console), so this covers what CaseDesk needs:
 * - attachments: attAttachRendData starts one; attAttachTitle (8.3 name), attAttachData
 *   (content) and the attAttachment MAPI block (PR_ATTACH_LONG_FILENAME, PR_DISPLAY_NAME,
 *   PR_ATTACH_MIME_TAG, PR_ATTACH_CONTENT_ID, PR_ATTACH_DATA_BIN);
 * - message body: PR_BODY and PR_BODY_HTML from attMAPIProps (not compressed RTF);
 * - attOemCodepage for 8-bit strings.
 * Not covered: embedded messages (PR_ATTACH_DATA_OBJ), recipient tables, RTF bodies.
 */

export type TnefAttachment = {
  filename: string;
  contentType: string | null;
  contentId: string | null;
  content: Uint8Array;
};

export type TnefContent = {
  attachments: TnefAttachment[];
  body: string | null;
  htmlBody: string | null;
};

export const TNEF_SIGNATURE = 0x223e9f78;

const LVL_MESSAGE = 1;
const LVL_ATTACHMENT = 2;
const ATT_ATTACH_DATA = 0x800f;
const ATT_ATTACH_TITLE = 0x8010;
const ATT_ATTACH_REND_DATA = 0x9002;
const ATT_MAPI_PROPS = 0x9003;
const ATT_ATTACHMENT = 0x9005;
const ATT_OEM_CODEPAGE = 0x9007;

const PR_BODY = 0x1000;
const PR_BODY_HTML = 0x1013;
const PR_INTERNET_CPID = 0x3fde;
const PR_DISPLAY_NAME = 0x3001;
const PR_ATTACH_DATA_BIN = 0x3701;
const PR_ATTACH_FILENAME = 0x3704;
const PR_ATTACH_LONG_FILENAME = 0x3707;
const PR_ATTACH_MIME_TAG = 0x370e;
const PR_ATTACH_CONTENT_ID = 0x3712;

const PT_STRING8 = 0x1e;
const PT_UNICODE = 0x1f;
const PT_BINARY = 0x102;
const PT_OBJECT = 0x0d;
const MV_FLAG = 0x1000;
const FIXED_SIZES: Record<number, number> = {
  1: 4, // PT_NULL
  2: 4, // PT_SHORT (padded)
  3: 4, // PT_LONG
  4: 4, // PT_FLOAT
  5: 8, // PT_DOUBLE
  6: 8, // PT_CURRENCY
  7: 8, // PT_APPTIME
  10: 4, // PT_ERROR
  11: 4, // PT_BOOLEAN (padded)
  20: 8, // PT_I8
  64: 8, // PT_SYSTIME
  72: 16, // PT_CLSID
};

type MapiValue = { id: number; type: number; data: Uint8Array };

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  private view = (n: number): DataView => {
    if (this.pos + n > this.buf.length) throw new RangeError('TNEF stream truncated');
    return new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, n);
  };
  u8(): number {
    const v = this.view(1).getUint8(0);
    this.pos += 1;
    return v;
  }
  u16(): number {
    const v = this.view(2).getUint16(0, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.view(4).getUint32(0, true);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.view(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(n: number): void {
    this.view(n);
    this.pos += n;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

function readMapiProps(data: Uint8Array): MapiValue[] {
  const r = new Reader(data);
  const count = r.u32();
  const out: MapiValue[] = [];
  for (let i = 0; i < count && r.remaining > 0; i++) {
    const fullType = r.u16();
    const id = r.u16();
    if (id >= 0x8000) {
      // Named property: GUID, then a numeric id or a UTF-16 name.
      r.skip(16);
      const kind = r.u32();
      if (kind === 0) r.skip(4);
      else r.skip((r.u32() + 3) & ~3);
    }
    const type = fullType & ~MV_FLAG;
    const variable = type === PT_STRING8 || type === PT_UNICODE || type === PT_BINARY || type === PT_OBJECT;
    const values = variable || fullType & MV_FLAG ? r.u32() : 1;
    for (let v = 0; v < values; v++) {
      if (variable) {
        const len = r.u32();
        out.push({ id, type, data: r.bytes(len) });
        r.skip((4 - (len % 4)) % 4);
      } else {
        const size = FIXED_SIZES[type];
        if (size === undefined) throw new RangeError(`unknown MAPI property type 0x${type.toString(16)}`);
        out.push({ id, type, data: r.bytes(size) });
      }
    }
  }
  return out;
}

function codepageCharset(codepage: number): string {
  if (codepage === 936) return 'gb18030';
  if (codepage === 950) return 'big5';
  if (codepage === 932) return 'shift_jis';
  if (codepage === 949) return 'euc-kr';
  if (codepage === 65001) return 'utf-8';
  if (codepage === 20866) return 'koi8-r';
  if (codepage === 21866) return 'koi8-u';
  if (codepage >= 28591 && codepage <= 28605) return `iso-8859-${codepage - 28590}`;
  if (codepage >= 1250 && codepage <= 1258) return `windows-${codepage}`;
  return 'windows-1252';
}

function mapiString(v: MapiValue, charset: string): string {
  const text =
    v.type === PT_UNICODE
      ? decodeWith(v.data, 'utf-16le')
      : v.type === PT_STRING8
        ? decodeWith(v.data, charset)
        : null;
  return (text ?? '').replace(/\0+$/, '');
}

/** True when the bytes start with the TNEF signature. */
export function isTnef(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 6 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === TNEF_SIGNATURE
  );
}

/**
 * Unpacks a TNEF stream. Throws RangeError on a stream that is not TNEF or is cut short
 * before any attachment could be read; attachments read before a later error are kept.
 */
export function readTnef(bytes: Uint8Array): TnefContent {
  if (!isTnef(bytes)) throw new RangeError('not a TNEF stream (bad signature)');
  const r = new Reader(bytes);
  r.skip(6); // signature + legacy key
  let charset = 'windows-1252';
  const result: TnefContent = { attachments: [], body: null, htmlBody: null };
  type Draft = {
    title: string | null;
    longName: string | null;
    mime: string | null;
    cid: string | null;
    data: Uint8Array | null;
  };
  const drafts: Draft[] = [];
  let htmlBytes: Uint8Array | null = null;
  let internetCharset: string | null = null;
  try {
    while (r.remaining >= 9) {
      const level = r.u8();
      const attr = r.u32();
      const len = r.u32();
      const data = r.bytes(len);
      r.skip(Math.min(2, r.remaining)); // checksum
      const id = attr & 0xffff;
      const current = drafts[drafts.length - 1];
      if (id === ATT_OEM_CODEPAGE && len >= 4) {
        charset = codepageCharset(new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true));
      } else if (level === LVL_ATTACHMENT && id === ATT_ATTACH_REND_DATA) {
        drafts.push({ title: null, longName: null, mime: null, cid: null, data: null });
      } else if (level === LVL_ATTACHMENT && current && id === ATT_ATTACH_TITLE) {
        current.title = (decodeWith(data, charset) ?? '').replace(/\0+$/, '');
      } else if (level === LVL_ATTACHMENT && current && id === ATT_ATTACH_DATA) {
        current.data = data;
      } else if (level === LVL_ATTACHMENT && current && id === ATT_ATTACHMENT) {
        for (const p of readMapiProps(data)) {
          if (p.id === PR_ATTACH_LONG_FILENAME) current.longName = mapiString(p, charset);
          else if (p.id === PR_DISPLAY_NAME || p.id === PR_ATTACH_FILENAME)
            current.title ??= mapiString(p, charset);
          else if (p.id === PR_ATTACH_MIME_TAG) current.mime = mapiString(p, charset);
          else if (p.id === PR_ATTACH_CONTENT_ID) current.cid = mapiString(p, charset);
          else if (p.id === PR_ATTACH_DATA_BIN && p.type === PT_BINARY) current.data ??= p.data;
        }
      } else if (level === LVL_MESSAGE && id === ATT_MAPI_PROPS) {
        for (const p of readMapiProps(data)) {
          if (p.id === PR_BODY) result.body = mapiString(p, charset);
          else if (p.id === PR_BODY_HTML && p.type === PT_BINARY) htmlBytes = p.data;
          else if (p.id === PR_BODY_HTML) result.htmlBody = mapiString(p, charset);
          else if (p.id === PR_INTERNET_CPID && p.data.length >= 4)
            internetCharset = codepageCharset(
              new DataView(p.data.buffer, p.data.byteOffset, 4).getUint32(0, true),
            );
        }
      }
    }
  } catch (err) {
    if (drafts.length === 0 && result.body === null) throw err;
  }
  if (htmlBytes) {
    // Binary HTML is in the sender's Internet code page; the <meta> charset says which when present.
    const head = Buffer.from(htmlBytes.subarray(0, 2048)).toString('latin1');
    const meta = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
    result.htmlBody = decodeText(htmlBytes, meta ?? internetCharset ?? charset);
  }
  drafts.forEach((d, i) => {
    if (!d.data) return;
    result.attachments.push({
      filename: d.longName || d.title || `attachment-${i + 1}.bin`,
      contentType: d.mime || null,
      contentId: d.cid || null,
      content: d.data,
    });
  });
  return result;
}
