/**
 * Separates what the sender just wrote from the quoted history below it, for the markers that
 * Chinese and international support mail actually carries: Outlook separators and header
 * blocks (English, Simplified and Traditional Chinese, half- or full-width colons), Gmail
 * "On … wrote:" and "在 … 写道：" / "… 于 … 写道：", QQMail/Foxmail "原始邮件" lines, and a
 * trailing block of `>` quotes. Forwarded-message separators are NOT treated as history: in a
 * support case the forwarded mail is usually the point.
 */
export type SplitQuoted = { fresh: string; quoted: string | null };

const COLON = '[:：]';
const SEPARATOR = /^\s*-{2,}\s*(original message|原始邮件|原始郵件|原邮件|原郵件)\s*-{2,}\s*$/i;
const UNDERSCORES = /^\s*_{10,}\s*$/;
const FROM_LINE = new RegExp(`^\\s*[*>]*\\s*(from|发件人|寄件者|寄件人|發件人)\\s*${COLON}`, 'i');
const HEADER_LINE = new RegExp(
  `^\\s*[*>]*\\s*(sent|date|to|cc|subject|发送时间|发送日期|日期|时间|收件人|抄送|主题|寄件日期|傳送時間|收件者|副本|主旨)\\s*${COLON}`,
  'i',
);
const WROTE_END = /(wrote|写道|寫道)\s*[:：]?\s*$/i;
const WROTE_START = /^\s*(on\s|在\s*\S|於\s*\S|.{0,120}\s于\s*\d)/i;
const CHINESE_WROTE = /(写道|寫道)\s*[:：]\s*$/;
const FORWARD = /(forwarded message|begin forwarded message|转发的邮件|轉寄的郵件|转发邮件)/i;

function previousNonBlank(lines: string[], i: number): string {
  for (let j = i - 1; j >= 0; j--) if ((lines[j] ?? '').trim() !== '') return lines[j] ?? '';
  return '';
}

/** A From line followed, within a few lines, by at least one other header line. */
function isHeaderBlock(lines: string[], i: number): boolean {
  if (!FROM_LINE.test(lines[i] ?? '')) return false;
  let headers = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 7); j++) {
    const line = lines[j] ?? '';
    if (HEADER_LINE.test(line)) headers++;
    else if (line.trim() !== '' && headers === 0 && j > i + 2) return false;
  }
  return headers >= 1;
}

/** Index of the line where an "On … wrote:" attribution starts (it may wrap over two lines). */
function wroteLineStart(lines: string[], i: number): number | null {
  const line = lines[i] ?? '';
  if (!WROTE_END.test(line)) return null;
  if (CHINESE_WROTE.test(line) || WROTE_START.test(line)) return i;
  const prev = lines[i - 1] ?? '';
  if (i > 0 && WROTE_START.test(prev) && prev.trim().length < 200) return i - 1;
  return null;
}

function markerLine(lines: string[]): number | null {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (SEPARATOR.test(line)) return i;
    if (UNDERSCORES.test(line) && lines.slice(i + 1, i + 4).some((l) => FROM_LINE.test(l))) return i;
    if (isHeaderBlock(lines, i) && !FORWARD.test(previousNonBlank(lines, i))) return i;
    const wrote = wroteLineStart(lines, i);
    if (wrote !== null) return wrote;
  }
  return null;
}

/** First line of the trailing run of `>`-quoted lines (blank lines allowed inside it). */
function trailingQuoteStart(lines: string[]): number | null {
  let start: number | null = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (!line.startsWith('>')) break;
    start = i;
  }
  return start;
}

/**
 * @example
 * splitQuoted('好的，谢谢\n\n发件人: 张三\n发送时间: 2021年3月1日 10:00\n主题: 更新失败\n\n原文')
 * // { fresh: '好的，谢谢', quoted: '发件人: 张三\n…' }
 */
export function splitQuoted(text: string): SplitQuoted {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const candidates = [markerLine(lines), trailingQuoteStart(lines)].filter((n): n is number => n !== null);
  if (candidates.length === 0) return { fresh: text.trim(), quoted: null };
  let cut = Math.min(...candidates);
  // An attribution line ("On … wrote:") right above a quote block belongs to the history.
  const above = cut > 0 ? wroteLineStart(lines, cut - 1) : null;
  if (above !== null) cut = above;
  const quoted = lines.slice(cut).join('\n').trim();
  return { fresh: lines.slice(0, cut).join('\n').trim(), quoted: quoted || null };
}
