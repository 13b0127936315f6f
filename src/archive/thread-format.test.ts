import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../platform/errors.js';
import { type ArchiveMessageInput, parseThreadArchive, serializeThreadArchive } from './thread-format.js';
import { formatArchiveTime } from './thread-format-time.js';

const SEED_NAME = '000_673e19c121c0ecf3.txt';
const SEED = readFileSync(new URL(`../../test/fixtures/seed-thread/${SEED_NAME}`, import.meta.url), 'utf8');
const SEED_LINES = SEED.split('\n');

/** 1-based number of the first seed line equal to `text` (so tests do not hard-code positions). */
function lineOf(text: string, from = 1): number {
  const i = SEED_LINES.indexOf(text, from - 1);
  if (i < 0) throw new Error(`not in seed: ${text}`);
  return i + 1;
}

function withLine(lineNumber: number, replacement: string[]): string {
  const lines = [...SEED_LINES];
  lines.splice(lineNumber - 1, 1, ...replacement);
  return lines.join('\n');
}

function badFormat(text: string, file = 'bad.txt'): { message: string; details: unknown } {
  try {
    parseThreadArchive(text, file);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'archive.bad_format')
      return { message: e.message, details: e.details };
    throw e;
  }
  throw new Error('parsed without error');
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  throw new Error('no error');
}

describe('parseThreadArchive on the seed', () => {
  const archive = parseThreadArchive(SEED, SEED_NAME);

  it('reads the subject and all 11 messages in order', () => {
    expect(archive.subject).toBe(
      '回复: [案例号:\u2009CAS-04814-C9T9D0\u2009] %\u2009|P3|ICBC|补丁更新失败\u2009% 初次响应 CMIT:0001334',
    );
    expect(archive.messages.map((m) => m.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(archive.messages.map((m) => m.sender)).toEqual([
      'Li Qi',
      'Li Qi',
      'Jia Wei',
      'Jia Wei',
      'Li Qi',
      'Li Qi',
      'Li Qi',
      'Li Qi',
      'win10升级支持',
      'win10升级支持',
      'Li Qi',
    ]);
    expect(archive.lineEnding).toBe('\n');
  });

  it('keeps the time as written and as an instant', () => {
    const second = archive.messages[1];
    expect(second?.sentAtText).toBe('2021-09-22 17:19:56.362000+00:00');
    expect(second?.sentAt.toISOString()).toBe('2021-09-22T17:19:56.362Z');
    expect(second?.sentAtMicros).toBe(0);
  });

  it('keeps bodies exactly, trailing spaces included; the first message is empty', () => {
    expect(archive.messages[0]?.body).toBe('');
    const ninth = archive.messages[8]?.body ?? '';
    expect(ninth.startsWith('需要手动赋予域账户管理员权限： \n第一步：takeown')).toBe(true);
    expect(ninth.endsWith('请联系管理员协助使用PE进行替换 \n')).toBe(true);
    const last = archive.messages[10]?.body ?? '';
    expect(last).toContain('Case No：CAS-04814-C9T9D0\n问题描述：\n=====================\n');
    expect(last.endsWith('可随时与我们联系，谢谢。\n')).toBe(true);
  });

  it('serializes back byte for byte', () => {
    expect(serializeThreadArchive(archive)).toBe(SEED);
  });
});

describe('parseThreadArchive variants that must round-trip', () => {
  it.each([
    ['CRLF line endings', SEED.replaceAll('\n', '\r\n')],
    ['no final newline', SEED.slice(0, -1)],
    ['extra blank lines at the end', `${SEED}\n\n`],
    ['a time with an offset and no fraction', SEED.replace('17:01:10.450000+00:00', '17:01:10+08:00')],
    ['microseconds', SEED.replace('17:01:10.450000+00:00', '17:01:10.450123+00:00')],
    [
      'an empty subject and sender',
      SEED.replace(/^邮件主题：.*$/m, '邮件主题：').replace('发件人：Li Qi', '发件人：'),
    ],
  ])('%s', (_, text) => {
    expect(serializeThreadArchive(parseThreadArchive(text, 'v.txt'))).toBe(text);
  });

  it('reads CRLF files to the same messages, bodies with CRLF inside', () => {
    const crlf = parseThreadArchive(SEED.replaceAll('\n', '\r\n'), 'crlf.txt');
    const lf = parseThreadArchive(SEED, 'lf.txt');
    expect(crlf.lineEnding).toBe('\r\n');
    expect(crlf.messages.map((m) => m.body.replaceAll('\r\n', '\n'))).toEqual(lf.messages.map((m) => m.body));
  });

  it('keeps microseconds beside the millisecond instant', () => {
    const m = parseThreadArchive(SEED.replace('17:01:10.450000+00:00', '17:01:10.450123+08:00'), 'v.txt')
      .messages[0];
    expect(m?.sentAt.toISOString()).toBe('2021-09-22T09:01:10.450Z');
    expect(m?.sentAtMicros).toBe(123);
  });

  it('ignores a byte-order mark', () => {
    expect(parseThreadArchive(`\uFEFF${SEED}`, 'bom.txt').messages).toHaveLength(11);
  });

  it('leaves header-like and marker-like text inside a body as body text', () => {
    const quoted = [
      '发件人：Somebody Else',
      '发送时间：2020-01-01 00:00:00+00:00',
      '邮件内容:',
      '',
      ' ====第3封邮件====',
      '====第三封邮件====',
    ];
    const text = withLine(
      lineOf('请吴先生帮忙转发此邮件至徐先生，并在徐先生按下述方法收集日志后，代为上传至CDUC上传系统，谢谢'),
      quoted,
    );
    const archive = parseThreadArchive(text, 'quoted.txt');
    expect(archive.messages).toHaveLength(11);
    expect(archive.messages[1]?.sender).toBe('Li Qi');
    expect(archive.messages[1]?.body).toContain(`${quoted.join('\n')}\n`);
    expect(serializeThreadArchive(archive)).toBe(text);
  });
});

describe('parseThreadArchive rejects bad files, naming file and line', () => {
  const marker3 = lineOf('====第3封邮件====');
  const cases: [string, string, number, RegExp][] = [
    ['another format', 'From: someone@example.com\nSubject: hi\n\nbody\n', 1, /邮件主题/],
    ['an empty file', '', 1, /邮件主题/],
    ['only a subject', '邮件主题：x\n', 2, /truncated/],
    [
      'no blank line after the subject',
      SEED.replace(/^(邮件主题：.*)\n\n/, '$1\n'),
      2,
      /blank line after the subject/,
    ],
    ['no messages', '邮件主题：x\n\n', 3, /truncated/],
    [
      'a truncated header block',
      `${SEED_LINES.slice(0, marker3 + 2).join('\n')}\n`,
      marker3 + 3,
      /truncated/,
    ],
    [
      'a file cut inside the sender line',
      SEED_LINES.slice(0, marker3 + 2).join('\n'),
      marker3 + 2,
      /truncated/,
    ],
    [
      'a header cut mid-line',
      `${SEED_LINES.slice(0, marker3 + 2).join('\n')}\n发送时间：2021-09`,
      marker3 + 3,
      /truncated/,
    ],
    ['a marker at the very end', `${SEED_LINES.slice(0, marker3).join('\n')}`, marker3, /truncated/],
    ['a missing sender', withLine(marker3 + 2, []), marker3 + 2, /发件人/],
    ['a sender with an ASCII colon', withLine(marker3 + 2, ['发件人:Jia Wei']), marker3 + 2, /发件人/],
    ['a full-width colon after 邮件内容', withLine(marker3 + 4, ['邮件内容：']), marker3 + 4, /邮件内容:/],
    ['no blank line after a marker', withLine(marker3 + 1, []), marker3 + 1, /blank line after the marker/],
    ['a skipped number', withLine(marker3, ['====第4封邮件====']), marker3, /number 4 where 3/],
    ['a repeated number', withLine(marker3, ['====第2封邮件====']), marker3, /number 2 where 3/],
    ['a zero-padded number', withLine(marker3, ['====第03封邮件====']), marker3, /number 03 where 3/],
    [
      'a first message not numbered 1',
      SEED.replace('====第1封邮件====', '====第0封邮件===='),
      3,
      /number 0 where 1/,
    ],
    ['a marker glued to the body', withLine(marker3 - 1, []), marker3 - 1, /follow a blank line/],
    [
      'an impossible date',
      SEED.replace('2021-09-29 13:31:30', '2021-02-29 13:31:30'),
      marker3 + 3,
      /bad time/,
    ],
    [
      'a time without offset',
      SEED.replace('2021-09-29 13:31:30.059000+00:00', '2021-09-29 13:31:30.059000'),
      marker3 + 3,
      /bad time/,
    ],
    [
      'a time that is not one',
      SEED.replace('2021-09-29 13:31:30.059000+00:00', '昨天'),
      marker3 + 3,
      /bad time/,
    ],
    ['mixed line endings', SEED.replace('\n', '\r\n'), 2, /line ending/],
  ];

  it.each(cases)('%s', (_, text, line, problem) => {
    const error = badFormat(text, 'case-7.txt');
    expect(error.details).toEqual({ file: 'case-7.txt', line });
    expect(error.message).toContain('case-7.txt');
    expect(error.message).toContain(`line ${line}:`);
    expect(error.message).toMatch(problem);
  });
});

describe('serializeThreadArchive', () => {
  const messages: ArchiveMessageInput[] = [
    { sender: 'Li Qi', sentAtText: formatArchiveTime('2021-09-22T17:01:10.450123Z'), body: '' },
    {
      sender: 'Jia Wei',
      sentAtText: formatArchiveTime(new Date('2021-09-29T13:31:30.059Z')),
      body: '您好：\n  跟进',
    },
    { sender: '客户', sentAtText: '2021-10-08 16:41:49.816000+00:00', body: '已解决\n' },
  ];

  it('writes the seed layout for a new archive and reads it back', () => {
    const text = serializeThreadArchive({ subject: '测试', messages });
    expect(text).toBe(
      '邮件主题：测试\n\n====第1封邮件====\n\n发件人：Li Qi\n发送时间：2021-09-22 17:01:10.450123+00:00\n邮件内容:\n' +
        '\n====第2封邮件====\n\n发件人：Jia Wei\n发送时间：2021-09-29 13:31:30.059000+00:00\n邮件内容:\n您好：\n  跟进\n' +
        '\n====第3封邮件====\n\n发件人：客户\n发送时间：2021-10-08 16:41:49.816000+00:00\n邮件内容:\n已解决\n',
    );
    const back = parseThreadArchive(text, 'new.txt');
    expect(back.messages.map((m) => [m.sender, m.sentAtText, m.body])).toEqual([
      ['Li Qi', '2021-09-22 17:01:10.450123+00:00', ''],
      ['Jia Wei', '2021-09-29 13:31:30.059000+00:00', '您好：\n  跟进\n'],
      ['客户', '2021-10-08 16:41:49.816000+00:00', '已解决\n'],
    ]);
  });

  it.each<[string, Parameters<typeof serializeThreadArchive>[0]]>([
    ['no messages', { subject: 's', messages: [] }],
    ['a line break in the subject', { subject: 'a\nb', messages }],
    [
      'a line break in a sender',
      { subject: 's', messages: [{ ...messages[0], sender: 'a\rb' } as ArchiveMessageInput] },
    ],
    ['a bad time', { subject: 's', messages: [{ sender: 'x', sentAtText: '2021-09-22', body: '' }] }],
    [
      'a marker line in a body',
      {
        subject: 's',
        messages: [{ ...messages[2], body: 'x\n\n====第2封邮件====\n' } as ArchiveMessageInput],
      },
    ],
  ])('refuses %s', (_, input) => {
    expect(refusal(() => serializeThreadArchive(input))).toBe('archive.unrepresentable');
  });
});

// Pieces that stress the format: header look-alikes, marker look-alikes, blank lines, CR, odd spaces.
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.constantFrom(
    '\n',
    '\n\n',
    '\r',
    ' ',
    '\u2009',
    '发件人：x',
    '邮件内容:',
    '====第1封邮件====',
    '====第2封邮件',
    '邮件主题：',
  ),
);
const singleLine = fc.array(piece, { maxLength: 8 }).map((p) => p.join('').replace(/[\r\n]/g, ''));
const bodyText = fc
  .array(piece, { maxLength: 12 })
  .map((p) => p.join(''))
  .filter((b) => !b.split('\n').some((l) => /^====第\d+封邮件====\r?$/.test(l)));
const timeText = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .chain((d) => fc.integer({ min: 0, max: 999 }).map((micros) => formatArchiveTime(d, micros)));
const archiveArb = fc.record({
  subject: singleLine,
  lineEnding: fc.constantFrom('\n' as const, '\r\n' as const),
  messages: fc.array(fc.record({ sender: singleLine, sentAtText: timeText, body: bodyText }), {
    minLength: 1,
    maxLength: 5,
  }),
});

describe('format properties', () => {
  it('serialize → parse gives back every message (non-last bodies gain a final line break)', () => {
    fc.assert(
      fc.property(
        archiveArb.filter((a) => a.lineEnding === '\n'),
        (a) => {
          const back = parseThreadArchive(serializeThreadArchive(a), 'p.txt');
          expect(back.subject).toBe(a.subject);
          expect(back.messages).toHaveLength(a.messages.length);
          back.messages.forEach((m, k) => {
            const input = a.messages[k] as ArchiveMessageInput;
            const isLast = k === a.messages.length - 1;
            const body =
              !isLast && input.body !== '' && !input.body.endsWith('\n') ? `${input.body}\n` : input.body;
            expect([m.index, m.sender, m.sentAtText, m.body]).toEqual([
              k + 1,
              input.sender,
              input.sentAtText,
              body,
            ]);
            expect(formatArchiveTime(m.sentAt, m.sentAtMicros)).toBe(input.sentAtText);
          });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('every file it writes reads back, and parse → serialize is then byte-identical (LF and CRLF)', () => {
    fc.assert(
      fc.property(archiveArb, (a) => {
        const text = serializeThreadArchive(a);
        const parsed = parseThreadArchive(text, 'p.txt');
        expect(parsed.lineEnding).toBe(a.lineEnding);
        expect(serializeThreadArchive(parsed)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});
