/**
 * Splits an mbox file into its messages. Messages start at a line beginning `From ` (the first line
 * of the file, or one after a line break); that separator line is not part of the message. Lines
 * escaped as `>From ` (mboxo) or `>>From ` (mboxrd) lose one `>`.
 *
 * @example [...splitMbox(Buffer.from('From a@b Mon\nSubject: x\n\nhi\n'))].length // 1
 */
export function* splitMbox(bytes: Uint8Array): Generator<Uint8Array> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const starts: number[] = [];
  if (buf.subarray(0, 5).toString('latin1') === 'From ') starts.push(0);
  for (let i = buf.indexOf('\nFrom ', 0, 'latin1'); i >= 0; i = buf.indexOf('\nFrom ', i + 1, 'latin1'))
    starts.push(i + 1);
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k] as number;
    const end = k + 1 < starts.length ? (starts[k + 1] as number) : buf.length;
    const lineEnd = buf.indexOf('\n', start);
    if (lineEnd < 0 || lineEnd >= end) continue;
    let body = buf.subarray(lineEnd + 1, end);
    // The blank line before the next separator belongs to the mbox, not to the message.
    if (k + 1 < starts.length) body = trimOneBlankLine(body);
    if (body.length === 0) continue;
    yield unescapeFrom(body);
  }
}

/** True when the bytes look like an mbox file (first line `From ` followed by a header line). */
export function looksLikeMbox(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 2048)).toString(
    'latin1',
  );
  return /^From \S+.*\r?\n[A-Za-z-]+:/.test(head);
}

function trimOneBlankLine(body: Buffer): Buffer {
  if (body.length >= 2 && body[body.length - 1] === 0x0a && body[body.length - 2] === 0x0a)
    return body.subarray(0, -1);
  if (body.length >= 4 && body.subarray(-4).toString('latin1') === '\r\n\r\n') return body.subarray(0, -2);
  return body;
}

function unescapeFrom(body: Buffer): Buffer {
  if (body.indexOf('>From ', 0, 'latin1') < 0) return body;
  const text = body.toString('latin1');
  return Buffer.from(text.replace(/^>(>*From )/gm, '$1'), 'latin1');
}
