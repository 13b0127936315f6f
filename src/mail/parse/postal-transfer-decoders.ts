import PostalMime from 'postal-mime';

// The part of postal-mime's internal MimeNode and content decoders this hook relies on.
type ContentDecoder = { update(line: Uint8Array): void; finalize(): Promise<ArrayBuffer> };
type MimeNodeLike = {
  contentDecoder: ContentDecoder | null;
  setupContentDecoder(transferEncoding: string): void;
};

let installed = false;

const BASE64_ONLY = /^[A-Za-z0-9+/]*$/;
const NOT_BASE64 = /[^A-Za-z0-9+/=]+/g;

/** Bytes a run of base64 characters (no padding) decodes to, as postal-mime's decodeBase64 counts them. */
function decodedLength(chars: number): number {
  const len = chars % 4 === 1 ? chars - 1 : chars; // one trailing character cannot make a byte
  const rest = len % 4;
  return Math.floor(len / 4) * 3 + (rest ? rest - 1 : 0);
}

/** The lines joined into one buffer, each followed by `separator` when it is given. */
function joinLines(lines: Uint8Array[], separator?: number): Uint8Array {
  let total = 0;
  for (const l of lines) total += l.length;
  if (separator !== undefined) total += lines.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const l of lines) {
    out.set(l, at);
    at += l.length;
    if (separator !== undefined) out[at++] = separator;
  }
  return out;
}

/**
 * A content decoder that keeps a body's lines as they come (views into the message) and decodes
 * them once, at the end, instead of line by line as postal-mime's own decoders do.
 */
class CollectedLines implements ContentDecoder {
  private lines: Uint8Array[] = [];

  constructor(private readonly decode: (lines: Uint8Array[]) => Uint8Array) {}

  update(line: Uint8Array): void {
    this.lines.push(line);
  }

  finalize(): Promise<ArrayBuffer> {
    const out = this.decode(this.lines);
    this.lines = [];
    // Each decode returns a buffer of its own (allocUnsafeSlow / new Uint8Array), never a slice of a pool.
    return Promise.resolve(out.buffer as ArrayBuffer);
  }
}

/**
 * Base64 body decoding with the same result as postal-mime's Base64Decoder, done natively.
 * postal-mime turns every line into a string (TextDecoder), runs two regular expressions over it,
 * decodes the base64 in JavaScript and joins the pieces through a Blob: a third of the parse time
 * of a plain base64 mail. Here the lines are decoded once by Buffer. Same rules: everything but
 * A–Z a–z 0–9 + / = is ignored (postal-mime's TextDecoder never turns bytes into ASCII, so
 * non-ASCII bytes drop out either way), a run of `=` ends a base64 unit and the next unit starts
 * afresh, and a unit's last partial group yields the bytes it can (a lone trailing character
 * yields none).
 */
function decodeBase64Lines(lines: Uint8Array[]): Uint8Array {
  const text = Buffer.from(joinLines(lines).buffer).toString('latin1');
  return cleanBase64(text) ?? decodeUnits(text.replace(NOT_BASE64, '').split(/=+/));
}

/**
 * Decodes the usual body (base64 characters only, `=` padding at the very end) in one go, or
 * returns null for anything else. Checked after decoding, which costs less than a regular
 * expression over the text: Buffer skips characters outside the alphabet (and stops at `=`), and
 * a whole group of four characters decodes to three bytes that encode back to the same four, so
 * the whole groups came through untouched exactly when they encode back to the text.
 */
function cleanBase64(text: string): Buffer | null {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  const core = end === text.length ? text : text.slice(0, end);
  const whole = core.length - (core.length % 4);
  for (let i = whole; i < core.length; i++) if (!BASE64_ONLY.test(core.charAt(i))) return null;
  const size = decodedLength(core.length);
  const out = Buffer.allocUnsafeSlow(size);
  if (out.write(core, 0, size, 'base64') !== size) return null;
  const wholeText = whole === core.length ? core : core.slice(0, whole);
  return out.toString('base64', 0, (whole / 4) * 3) === wholeText ? out : null;
}

/** Base64 units (alphabet characters only) decoded one after the other, as postal-mime does. */
function decodeUnits(units: string[]): Buffer {
  let size = 0;
  for (const u of units) size += decodedLength(u.length);
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const u of units) {
    const expected = decodedLength(u.length);
    if (expected === 0) continue;
    const written = out.write(u, at, expected, 'base64');
    if (written !== expected)
      throw new Error(`base64 unit decoded to ${written} bytes, expected ${expected}`);
    at += written;
  }
  return out;
}

/**
 * Replaces postal-mime's base64 and pass-through (7bit, 8bit, binary) content decoders with
 * ones that give the same bytes at a fraction of the cost; quoted-printable stays postal-mime's.
 * Installed once per process, like the charset hook (postal-charset-hook.ts). Throws if
 * postal-mime's internals no longer have the expected shape (caught by tests).
 */
export function installTransferDecoders(): void {
  if (installed) return;
  const probe = new PostalMime() as unknown as { root?: object };
  const proto = probe.root ? (Object.getPrototypeOf(probe.root) as Partial<MimeNodeLike>) : undefined;
  if (!proto || typeof proto.setupContentDecoder !== 'function') {
    throw new Error('postal-mime internals changed: cannot install the transfer decoders');
  }
  const setup = proto.setupContentDecoder;
  // Mirrors postal-mime's choice: base64 first, then quoted-printable, else pass-through.
  proto.setupContentDecoder = function setupContentDecoder(
    this: MimeNodeLike,
    transferEncoding: string,
  ): void {
    if (/base64/i.test(transferEncoding)) this.contentDecoder = new CollectedLines(decodeBase64Lines);
    else if (/quoted-printable/i.test(transferEncoding)) setup.call(this, transferEncoding);
    // What postal-mime's PassThroughDecoder returns: every line followed by a line feed.
    else this.contentDecoder = new CollectedLines((lines) => joinLines(lines, 0x0a));
  };
  installed = true;
}
