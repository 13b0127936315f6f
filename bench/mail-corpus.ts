import { chineseMessage } from './mime-parse.bench.js';

let base: string | undefined;

/**
 * Distinct ~8 KB Chinese support mails (GB2312 base64 body, encoded-word subject): one in four opens
 * a thread, the other three reply to it by In-Reply-To / References, as a real mailbox does.
 */
export function benchMail(sender: number, i: number): Buffer {
  base ??= chineseMessage().toString('latin1'); // encoding it takes milliseconds: once, not per message
  const id = `bench-${sender}-${i}@bank${sender}.example.cn`;
  const root = `bench-${sender}-${i - (i % 4)}@bank${sender}.example.cn`;
  const threading = i % 4 === 0 ? '' : `In-Reply-To: <${root}>\r\nReferences: <${root}>\r\n`;
  return Buffer.from(
    base
      .replace('Message-ID: <bench-1@example.cn>', `Message-ID: <${id}>\r\n${threading}`.trimEnd())
      .replace('<wang@example.cn>', `<wang${sender}@bank${sender}.example.cn>`),
    'latin1',
  );
}
