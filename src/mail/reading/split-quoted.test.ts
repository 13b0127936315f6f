import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../parse/parse-message.js';
import { splitQuoted } from './split-quoted.js';

const fixture = async (name: string): Promise<string> => {
  const raw = readFileSync(
    join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'emails', 'replies', name),
  );
  const r = await parseMessage(raw);
  if (!r.ok) throw new Error(r.error);
  return r.message.text;
};

describe('splitQuoted on real replies', () => {
  it.each([
    ['talon_gmail_reply.eml', 'Hello', /^On Mon, Apr 2, 2012/],
    ['talon_outlook_reply.eml', 'Hello', /^From: xxx@xxx\.mailgun\.org/],
    ['talon_thunderbird_reply.eml', '', /^On 04\/02\/2012 06:26 PM, Megan One wrote:/],
    ['talon_hotmail_RE.eml', 'Hello', /^> Subject: Test/],
    [
      'webklex_outlook_RE_quoted_history.eml',
      'Here is my reply to your reply.\n\nTony Marston',
      /^From: gmx@/,
    ],
  ])('%s', async (name, fresh, quotedStart) => {
    const split = splitQuoted(await fixture(name));
    expect(split.fresh).toBe(fresh);
    expect(split.quoted).toMatch(quotedStart);
  });

  it('does not treat a forwarded message as history', async () => {
    const split = splitQuoted(await fixture('mikel_fwd_signed_attachments.eml'));
    expect(split.quoted).toBeNull();
    expect(split.fresh).toContain('Forwarded message');
  });
});

describe('splitQuoted on Chinese clients', () => {
  it('Chinese Outlook header block (full-width colons)', () => {
    const text = [
      '王工，您好：',
      '已按步骤执行 DISM，问题依旧，日志见附件。',
      '',
      '发件人： 李四 <li.si@vendor.com>',
      '发送时间： 2021年3月1日 10:02',
      '收件人： 王五',
      '主题： 回复: 补丁 KB5001330 安装失败',
      '',
      '请提供 CBS.log。',
    ].join('\r\n');
    expect(splitQuoted(text)).toEqual({
      fresh: '王工，您好：\n已按步骤执行 DISM，问题依旧，日志见附件。',
      quoted: expect.stringMatching(/^发件人： 李四/),
    });
  });

  it('Outlook -----原始邮件----- and -----Original Message----- separators', () => {
    expect(splitQuoted('收到\n\n-----原始邮件-----\n发件人: a\n主题: b\n\nold').fresh).toBe('收到');
    expect(splitQuoted('OK\n-----Original Message-----\nFrom: a\nSent: b\n\nold').fresh).toBe('OK');
  });

  it('QQMail separator and Foxmail header block', () => {
    const qq =
      '好的，明天远程。\n\n\n------------------ 原始邮件 ------------------\n发件人: "support"<s@x.cn>;\n发送时间: 2021年3月1日(星期一) 上午10:00\n收件人: "我"<me@qq.com>;\n主题: 远程协助\n\n何时方便？';
    expect(splitQuoted(qq)).toMatchObject({
      fresh: '好的，明天远程。',
      quoted: expect.stringMatching(/^-{5,} 原始邮件/),
    });
    const foxmail =
      '已解决，谢谢！\n\n发件人：support@casedesk.test\n发送时间：2021-03-01 10:00\n收件人：me\n主题：Re: 更新失败\n原文';
    expect(splitQuoted(foxmail).fresh).toBe('已解决，谢谢！');
  });

  it('Gmail Chinese attribution (在 … 写道： and … 于 … 写道：), also wrapped', () => {
    expect(splitQuoted('可以\n\n在 2021年3月1日 周一 上午10:00，张三 <z@x.cn> 写道：\n> 请重启').fresh).toBe(
      '可以',
    );
    expect(splitQuoted('可以\n\n张三 <z@x.cn> 于2021年3月1日周一 上午10:00写道：\n\n> 请重启').fresh).toBe(
      '可以',
    );
    expect(
      splitQuoted('Sure\n\nOn Mon, Mar 1, 2021 at 10:00 AM Zhang San <z@x.cn>\nwrote:\n> restart').fresh,
    ).toBe('Sure');
  });

  it('Outlook underscore line with From block, Traditional Chinese labels', () => {
    const text =
      '已更新\n\n________________________________\n寄件者: 陳先生 <c@x.tw>\n寄件日期: 2021年3月1日 上午 10:00\n主旨: 更新\n\n舊內容';
    expect(splitQuoted(text)).toMatchObject({ fresh: '已更新', quoted: expect.stringMatching(/^_{10,}/) });
  });

  it('leaves mail without history alone, and keeps inline answers between quotes', () => {
    expect(splitQuoted('只有新内容\n第二行')).toEqual({ fresh: '只有新内容\n第二行', quoted: null });
    const inline = '> 问题一？\n答：是\n> 问题二？\n答：否';
    expect(splitQuoted(inline)).toEqual({ fresh: inline, quoted: null });
    expect(splitQuoted('From: a mention of the word From: in prose is fine').quoted).toBeNull();
  });
});
