/**
 * The thread-archive text format of the seed case: a plain-text export of one case's mail thread.
 *
 * @example
 * 邮件主题：回复: [案例号: CAS-04814-C9T9D0 ] …          ← line 1: `邮件主题：` + subject
 *                                                      ← blank
 * ====第1封邮件====                                     ← marker, numbered 1..N
 *                                                      ← blank
 * 发件人：Li Qi                                         ← header lines, only right after a marker
 * 发送时间：2021-09-22 17:01:10.450000+00:00
 * 邮件内容:                                             ← note the ASCII colon here
 * body lines…                                          ← body, exactly as written
 *                                                      ← blank separator (not part of the body)
 * ====第2封邮件====
 *
 * const archive = parseThreadArchive(text, '000_673e19c121c0ecf3.txt');
 * serializeThreadArchive(archive) === text; // byte for byte
 *
 * `body` is the exact text between the `邮件内容:` line and the blank line before the next marker (or the end
 * of the file), so it includes the line break of its last line; the first seed message has body `''`.
 * A body can never contain a line that is exactly a marker (`====第N封邮件====`): every such line is read as
 * one (so a garbled file fails loudly instead of merging messages), and serializing such a body is refused.
 * LF and CRLF files are both read; the line ending is kept in `lineEnding` and written back.
 */
import { invalid } from '../platform/errors.js';
import { parseArchiveTime } from './thread-format-time.js';

export type LineEnding = '\n' | '\r\n';

export type ArchiveMessage = {
  /** 1-based position, as in `====第N封邮件====`. */
  index: number;
  sender: string;
  /** The time exactly as written. */
  sentAtText: string;
  /** The instant, millisecond precision. */
  sentAt: Date;
  /** The sub-millisecond part of the written time (0–999), so microseconds are not lost. */
  sentAtMicros: number;
  body: string;
};

export type ThreadArchive = { subject: string; messages: ArchiveMessage[]; lineEnding?: LineEnding };

export type ArchiveMessageInput = { sender: string; sentAtText: string; body: string };

export type ThreadArchiveInput = {
  subject: string;
  messages: readonly ArchiveMessageInput[];
  /** Defaults to LF. */
  lineEnding?: LineEnding;
};

export const SUBJECT_LABEL = '邮件主题：';
export const SENDER_LABEL = '发件人：';
export const SENT_AT_LABEL = '发送时间：';
export const BODY_LABEL = '邮件内容:';

const MARKER_RE = /^====第(\d+)封邮件====$/;
const TIME_EXAMPLE = '2021-09-22 17:01:10.450000+00:00';

type Line = { text: string; start: number; terminated: boolean };

/**
 * Parses a thread archive. Throws `DomainError('archive.bad_format')` naming the file and the 1-based line,
 * with details `{ file, line }`, for anything that is not exactly this format.
 */
export function parseThreadArchive(text: string, fileName: string): ThreadArchive {
  const fail = (lineIndex: number, problem: string): never => badFormat(fileName, lineIndex, problem);
  // decodeText already drops a BOM; tolerate one here too rather than call the file foreign.
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const firstBreak = src.indexOf('\n');
  const lineEnding: LineEnding = firstBreak > 0 && src[firstBreak - 1] === '\r' ? '\r\n' : '\n';
  const lines = splitLines(src, lineEnding);

  // A structural line: present, ended by the file's line ending, and of the expected shape.
  const structural = (i: number, what: string, ok: (t: string) => boolean): string => {
    const line = lines[i];
    if (!line) return fail(i, `the file ends where ${what} was expected (truncated)`);
    if (!ok(line.text)) return fail(i, `expected ${what}, found ${quote(line.text)}`);
    if (!line.terminated) {
      if (i === lines.length - 1) return fail(i, `the file ends inside ${what} (truncated)`);
      return fail(i, `${what} does not end with the file's line ending (mixed CRLF and LF)`);
    }
    return line.text;
  };
  const isBlank = (t: string) => t === '';

  if (!lines[0]?.text.startsWith(SUBJECT_LABEL)) {
    fail(0, `not a thread archive: the first line must start with "${SUBJECT_LABEL}"`);
  }
  const subject = structural(0, `"${SUBJECT_LABEL}SUBJECT"`, () => true).slice(SUBJECT_LABEL.length);
  structural(1, 'a blank line after the subject', isBlank);

  const messages: ArchiveMessage[] = [];
  let i = 2;
  for (let expected = 1; ; expected++) {
    const markerText = structural(i, `the marker "====第${expected}封邮件===="`, (t) => MARKER_RE.test(t));
    const digits = MARKER_RE.exec(markerText)?.[1] ?? '';
    if (digits !== String(expected)) {
      fail(i, `message number ${digits} where ${expected} was expected (messages must run 1..N in order)`);
    }
    structural(i + 1, 'a blank line after the marker', isBlank);
    const sender = structural(i + 2, `"${SENDER_LABEL}NAME"`, (t) => t.startsWith(SENDER_LABEL));
    const timeLine = structural(i + 3, `"${SENT_AT_LABEL}TIME"`, (t) => t.startsWith(SENT_AT_LABEL));
    structural(i + 4, `"${BODY_LABEL}"`, (t) => t === BODY_LABEL);

    const sentAtText = timeLine.slice(SENT_AT_LABEL.length);
    const instant =
      parseArchiveTime(sentAtText) ??
      fail(i + 3, `bad time ${quote(sentAtText)} (expected a time like ${TIME_EXAMPLE})`);

    const bodyFirst = i + 5;
    const bodyStart = lines[bodyFirst]?.start ?? src.length;
    const next = findMarker(lines, bodyFirst);
    let bodyEnd = src.length;
    if (next >= 0) {
      const separator = lines[next - 1];
      if (next - 1 < bodyFirst || !separator || separator.text !== '' || !separator.terminated) {
        return fail(next, 'a marker must follow a blank line (a message break seems garbled)');
      }
      bodyEnd = separator.start;
    }
    messages.push({
      index: expected,
      sender: sender.slice(SENDER_LABEL.length),
      sentAtText,
      sentAt: instant.sentAt,
      sentAtMicros: instant.sentAtMicros,
      body: src.slice(bodyStart, bodyEnd),
    });
    if (next < 0) break;
    i = next;
  }
  return { subject, messages, lineEnding };
}

/**
 * Writes an archive in the format above; `serializeThreadArchive(parseThreadArchive(t, f)) === t`.
 * A non-last body that does not end with a line break gets one (the format needs it); the last body is
 * written as is, so the file ends exactly as its last body does.
 * Throws `DomainError('archive.unrepresentable')` for content the format cannot carry.
 */
export function serializeThreadArchive(archive: ThreadArchiveInput): string {
  const eol = archive.lineEnding ?? '\n';
  const refuse = (problem: string, details: Record<string, unknown> = {}): never => {
    throw invalid('archive.unrepresentable', `Cannot write thread archive: ${problem}`, details);
  };
  if (archive.messages.length === 0) refuse('an archive needs at least one message');
  if (/[\r\n]/.test(archive.subject)) refuse('the subject contains a line break');

  const parts = [`${SUBJECT_LABEL}${archive.subject}${eol}`];
  archive.messages.forEach((m, k) => {
    const index = k + 1;
    if (/[\r\n]/.test(m.sender)) refuse(`message ${index}: the sender contains a line break`, { index });
    if (/[\r\n]/.test(m.sentAtText) || !parseArchiveTime(m.sentAtText)) {
      refuse(`message ${index}: bad time ${quote(m.sentAtText)} (expected like ${TIME_EXAMPLE})`, { index });
    }
    const bodyLines = m.body
      .split('\n')
      .map((l) => (eol === '\r\n' && l.endsWith('\r') ? l.slice(0, -1) : l));
    if (bodyLines.some((l) => MARKER_RE.test(l))) {
      refuse(`message ${index}: the body has a line that would read as a message marker`, { index });
    }
    const isLast = index === archive.messages.length;
    const body = !isLast && m.body !== '' && !m.body.endsWith('\n') ? m.body + eol : m.body;
    parts.push(
      `${eol}====第${index}封邮件====${eol}${eol}`,
      `${SENDER_LABEL}${m.sender}${eol}${SENT_AT_LABEL}${m.sentAtText}${eol}${BODY_LABEL}${eol}${body}`,
    );
  });
  return parts.join('');
}

function findMarker(lines: readonly Line[], from: number): number {
  for (let k = from; k < lines.length; k++) if (MARKER_RE.test(lines[k]?.text ?? '')) return k;
  return -1;
}

function badFormat(file: string, lineIndex: number, problem: string): never {
  const line = lineIndex + 1;
  throw invalid('archive.bad_format', `Bad thread archive ${file}, line ${line}: ${problem}`, { file, line });
}

/** Lines with their offsets; `text` excludes the line ending (only the file's own ending counts as one). */
function splitLines(src: string, eol: LineEnding): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < src.length) {
    const nl = src.indexOf('\n', start);
    if (nl < 0) {
      lines.push({ text: src.slice(start), start, terminated: false });
      break;
    }
    const crlf = nl > start && src[nl - 1] === '\r';
    if (eol === '\r\n' && !crlf) {
      // A bare LF inside a CRLF file: fine in a body, but it does not end a structural line.
      lines.push({ text: src.slice(start, nl), start, terminated: false });
    } else {
      lines.push({ text: src.slice(start, eol === '\r\n' ? nl - 1 : nl), start, terminated: true });
    }
    start = nl + 1;
  }
  return lines;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}
