import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseMessage } from './parse-message.js';
import type { ParsedMail } from './parsed-mail.types.js';

const crlf = (lines: (string | Buffer)[]): Buffer =>
  Buffer.concat(
    lines.map((l) =>
      Buffer.concat([typeof l === 'string' ? Buffer.from(l, 'utf8') : l, Buffer.from('\r\n')]),
    ),
  );

async function parsed(raw: Buffer): Promise<ParsedMail> {
  const r = await parseMessage(raw);
  if (!r.ok) throw new Error(`expected ok, got ${r.error}`);
  return r.message;
}

const b64 = (bytes: Buffer | number[]) => Buffer.from(bytes).toString('base64');
const pct = (bytes: Buffer) =>
  [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

describe('parseMessage: headers and charsets', () => {
  it('joins encoded words split in the middle of a character (padded base64 and Q)', async () => {
    const bytes = Buffer.from('你好', 'utf8'); // E4 BD A0 E5 A5 BD
    const m = await parsed(
      crlf([
        `Subject: =?UTF-8?B?${b64(bytes.subarray(0, 4))}?= =?utf-8?B?${b64(bytes.subarray(4))}?=`,
        'From: =?UTF-8?Q?=E5=BC=A0?= =?UTF-8?Q?=E4=B8=89?= <zhang@example.cn>',
        '',
        'body',
      ]),
    );
    expect(m.subject).toBe('你好');
    expect(m.from).toEqual({ name: '张三', address: 'zhang@example.cn' });
  });

  it('decodes GB2312-labelled text as GB18030 (GBK-only and 4-byte characters survive)', async () => {
    const text = '朱镕基 㐀 更新失败';
    const m = await parsed(
      crlf([
        `Subject: =?gb2312?B?${b64(iconv.encode(text, 'gb18030'))}?=`,
        'Content-Type: text/plain; charset="GB2312"',
        'Content-Transfer-Encoding: base64',
        '',
        b64(iconv.encode(text, 'gb18030')),
      ]),
    );
    expect(m.subject).toBe(text);
    expect(m.text).toBe(text);
  });

  it('reads X-GBK, ks_c_5601-1987, Big5 and Shift_JIS bodies', async () => {
    const cases: [string, string, string][] = [
      ['X-GBK', 'gbk', '系统补丁安装失败'],
      ['ks_c_5601-1987', 'euc-kr', '업데이트 실패'],
      ['big5', 'big5', '系統更新失敗'],
      ['Shift_JIS', 'shift_jis', '更新に失敗しました'],
    ];
    for (const [label, enc, text] of cases) {
      const m = await parsed(
        crlf([
          `Content-Type: text/plain; charset=${label}`,
          'Content-Transfer-Encoding: 8bit',
          '',
          iconv.encode(text, enc),
        ]),
      );
      expect(m.text.trim(), label).toBe(text);
    }
  });

  it('detects a Big5 body mislabelled us-ascii and a UTF-8 body mislabelled gb2312', async () => {
    const big5 = '您好，我們在安裝更新時遇到錯誤代碼，請協助檢查系統元件存放區是否損壞。';
    const a = await parsed(
      crlf(['Content-Type: text/plain; charset=us-ascii', '', iconv.encode(big5, 'big5')]),
    );
    expect(a.text.trim()).toBe(big5);
    const b = await parsed(
      crlf(['Content-Type: text/plain; charset=gb2312', '', Buffer.from('你好，发票已开', 'utf8')]),
    );
    expect(b.text.trim()).toBe('你好，发票已开');
  });

  it('falls back without throwing on an unknown charset', async () => {
    const m = await parsed(
      crlf([
        'Subject: =?x-klingon?B?SGVsbG8=?=',
        'Content-Type: text/plain; charset=x-klingon',
        '',
        'plain ascii',
      ]),
    );
    expect(m.subject).toBe('Hello');
    expect(m.text.trim()).toBe('plain ascii');
  });

  it('reads raw 8-bit GBK subject and attachment file names', async () => {
    const name = iconv.encode('更新日志.txt', 'gbk');
    const m = await parsed(
      crlf([
        Buffer.concat([Buffer.from('Subject: '), iconv.encode('回复：补丁安装失败', 'gbk')]),
        'Content-Type: multipart/mixed; boundary="x"',
        '',
        '--x',
        'Content-Type: text/plain; charset=gbk',
        '',
        iconv.encode('见附件', 'gbk'),
        '--x',
        'Content-Type: text/plain',
        Buffer.concat([Buffer.from('Content-Disposition: attachment; filename="'), name, Buffer.from('"')]),
        '',
        'log',
        '--x--',
      ]),
    );
    expect(m.subject).toBe('回复：补丁安装失败');
    expect(m.attachments[0]?.filename).toBe('更新日志.txt');
  });

  it('decodes RFC 2231 Chinese file names, including GB2312 continuations split mid-character', async () => {
    const gb = iconv.encode('更新日志.txt', 'gb2312');
    const m = await parsed(
      crlf([
        'Content-Type: multipart/mixed; boundary="x"',
        '',
        '--x',
        `Content-Disposition: attachment; filename*=utf-8''${pct(Buffer.from('安装报告.pdf'))}`,
        '',
        'a',
        '--x',
        `Content-Disposition: attachment; filename*0*=gb2312''${pct(gb.subarray(0, 3))}; filename*1*=${pct(gb.subarray(3))}`,
        '',
        'b',
        '--x--',
      ]),
    );
    expect(m.attachments.map((a) => a.filename)).toEqual(['安装报告.pdf', '更新日志.txt']);
  });
});

const related = crlf([
  'Message-ID: <abc@mail.example.cn>',
  'In-Reply-To: <root@casedesk.test>',
  'References: <root@casedesk.test> <mid@casedesk.test>',
  'Thread-Index: AdC0xOxFwE/tigzGSJa9glHhu/rfhw==',
  'Date: Mon, 1 Mar 2021 10:00:00 +0800',
  'Content-Type: multipart/mixed; boundary="m"',
  '',
  '--m',
  'Content-Type: multipart/related; boundary="r"',
  '',
  '--r',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>截图如下</p><img src="cid:shot1@x">',
  '--r',
  'Content-Type: image/png',
  'Content-ID: <shot1@x>',
  'Content-Transfer-Encoding: base64',
  '',
  b64([0x89, 0x50, 0x4e, 0x47]),
  '--r--',
  '--m',
  'Content-Type: message/rfc822',
  '',
  'Subject: =?utf-8?B?5Y6f5aeL6YKu5Lu2?=',
  'From: a@b.c',
  '',
  'forwarded body',
  '--m--',
]);

describe('parseMessage: structure', () => {
  it('reads threading headers, inline cid images, attached .eml and HTML-only text', async () => {
    const m = await parsed(related);
    expect(m.messageId).toBe('abc@mail.example.cn');
    expect(m.inReplyTo).toBe('root@casedesk.test');
    expect(m.references).toEqual(['root@casedesk.test', 'mid@casedesk.test']);
    expect(m.threadIndex).toBe('AdC0xOxFwE/tigzGSJa9glHhu/rfhw==');
    expect(m.date?.toISOString()).toBe('2021-03-01T02:00:00.000Z');
    expect(m.text).toBe('截图如下');
    expect(m.html).toContain('cid:shot1@x');
    expect(m.attachments.map((a) => [a.filename, a.contentType, a.inline, a.contentId])).toEqual([
      ['part-1.png', 'image/png', true, 'shot1@x'],
      ['原始邮件.eml', 'message/rfc822', false, null],
    ]);
    expect(m.attachments[0]?.sha256).toBe('0f4636c78f65d3639ece5a064b5ae753e3408614a14fb18ab4d7540d2c248543');
    expect(m.rawSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('flags auto-replies from Auto-Submitted, Precedence and X-Autoreply only', async () => {
    const auto = async (header: string) => (await parsed(crlf([header, 'Subject: x', '', 'b']))).isAutoReply;
    expect(await auto('Auto-Submitted: auto-replied')).toBe(true);
    expect(await auto('Auto-Submitted: no')).toBe(false);
    expect(await auto('Precedence: bulk')).toBe(true);
    expect(await auto('X-Autoreply: yes')).toBe(true);
    expect(await auto('X-Mailer: Foxmail')).toBe(false);
  });

  it('returns null for a date that does not parse', async () => {
    expect((await parsed(crlf(['Date: sometime soon', '', 'b']))).date).toBeNull();
  });
});

describe('parseMessage: never throws, never drops', () => {
  it('refuses an Outlook .msg (CFB) with a clear error', async () => {
    const cfb = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    const r = await parseMessage(cfb);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/Outlook \.msg/);
      expect(r.partial.rawSha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuses empty input and text without headers', async () => {
    expect((await parseMessage(new Uint8Array())).ok).toBe(false);
    expect((await parseMessage(Buffer.from('just some words\nno headers here'))).ok).toBe(false);
  });

  it('keeps the raw body as text when the multipart boundary is missing', async () => {
    const m = await parsed(crlf(['Subject: x', 'Content-Type: multipart/mixed', '', '请查收日志', 'line 2']));
    expect(m.text).toContain('请查收日志');
  });

  it('resolves for any bytes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const r = await parseMessage(bytes);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });

  it('resolves for damaged versions of a real MIME message (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(related.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 30 }),
        fc.nat(related.length),
        async (edits, cut) => {
          const copy = Buffer.from(related.subarray(0, Math.max(cut, 40)));
          for (const [pos, byte] of edits) if (pos < copy.length) copy[pos] = byte;
          const r = await parseMessage(copy);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 200 },
    );
  });
});
