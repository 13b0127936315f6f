import iconv from 'iconv-lite';

/** Builds raw RFC 822 test messages the way real clients write them (encoded words, GB18030 bodies). */
export type TestMail = {
  from: string;
  to?: string;
  cc?: string;
  subject: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  threadIndex?: string;
  date?: string;
  body?: string;
  /** Encode subject and body as GB18030 (what Chinese Outlook and QQMail send) instead of UTF-8. */
  gb?: boolean;
  headers?: string[];
};

const encodedWord = (text: string, gb: boolean) =>
  /^[\x20-\x7e]*$/.test(text)
    ? text
    : gb
      ? `=?gb2312?B?${iconv.encode(text, 'gb18030').toString('base64')}?=`
      : `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;

export function buildMail(m: TestMail): Buffer {
  const gb = m.gb ?? false;
  const body = m.body ?? 'Hello';
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to ?? 'support@casedesk.test'}`,
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    `Subject: ${encodedWord(m.subject, gb)}`,
    `Date: ${m.date ?? 'Wed, 06 May 2026 09:00:00 +0800'}`,
    ...(m.messageId ? [`Message-ID: <${m.messageId}>`] : []),
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
    ...(m.references?.length ? [`References: ${m.references.map((r) => `<${r}>`).join(' ')}`] : []),
    ...(m.threadIndex ? [`Thread-Index: ${m.threadIndex}`] : []),
    ...(m.headers ?? []),
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${gb ? 'gb2312' : 'utf-8'}`,
    'Content-Transfer-Encoding: base64',
    '',
    (gb ? iconv.encode(body, 'gb18030') : Buffer.from(body)).toString('base64'),
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}
