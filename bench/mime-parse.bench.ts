import iconv from 'iconv-lite';
import PostalMime from 'postal-mime';
import { parseMessage } from '../src/mail/parse/parse-message.js';
import { installCharsetHook } from '../src/mail/parse/postal-charset-hook.js';
import { installTransferDecoders } from '../src/mail/parse/postal-transfer-decoders.js';
import type { BenchModule } from './lib.js';

/** A ~8 KB Chinese support mail: GB2312-labelled base64 body, encoded-word subject and sender. */
export function chineseMessage(targetBytes = 8 * 1024): Buffer {
  const para =
    '您好，我们在安装 2021-03 累积更新 (KB5000802) 时失败，错误代码 0x800f081f。已执行 DISM /RestoreHealth 与 sfc /scannow，CBS.log 显示组件存储损坏。请协助分析。\r\n';
  const head = (body: string) =>
    [
      `From: =?gb2312?B?${iconv.encode('王工', 'gb18030').toString('base64')}?= <wang@example.cn>`,
      'To: support@casedesk.test',
      `Subject: =?gb2312?B?${iconv.encode('回复：补丁安装失败 0x800f081f', 'gb18030').toString('base64')}?=`,
      'Date: Mon, 1 Mar 2021 10:00:00 +0800',
      'Message-ID: <bench-1@example.cn>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset="gb2312"',
      'Content-Transfer-Encoding: base64',
      '',
      body,
    ].join('\r\n');
  let text = '';
  let raw = head('');
  while (raw.length < targetBytes) {
    text += para;
    const b64 = (
      iconv
        .encode(text, 'gb18030')
        .toString('base64')
        .match(/.{1,76}/g) ?? []
    ).join('\r\n');
    raw = head(b64);
  }
  return Buffer.from(raw);
}

async function rate(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(200, n); i++) await fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(n / seconds);
}

export const run: BenchModule['run'] = async ({ quick }) => {
  const raw = chineseMessage();
  const n = quick ? 1_000 : 10_000;
  // Measure postal-mime as CaseDesk runs it: with its charset hook and transfer decoders.
  installCharsetHook();
  installTransferDecoders();
  const params = { messageBytes: raw.length, messages: n, body: 'gb2312 base64, encoded-word subject' };
  return [
    {
      name: 'mime_parse_msgs_per_s',
      value: await rate(n, () => PostalMime.parse(raw)),
      unit: 'msg/s',
      target: null,
      better: 'higher',
      params: { ...params, parser: 'postal-mime' },
    },
    {
      name: 'mail_parse_message_msgs_per_s',
      value: await rate(n, () => parseMessage(raw)),
      unit: 'msg/s',
      target: null,
      better: 'higher',
      params: { ...params, parser: 'parseMessage (postal-mime + CaseDesk repairs, hashes, attachments)' },
    },
  ];
};
