import PostalMime from 'postal-mime';
import { decodeText } from './charset-decode.js';

// The part of postal-mime's internal MimeNode the hook relies on.
type MimeNodeLike = {
  state: string;
  headerLines: string[];
  feed(line: Uint8Array): void;
  postalMime?: { [HINT]?: string | null };
  content: ArrayBuffer | Uint8Array | null;
  contentType: { parsed: { params: Record<string, string | undefined> } };
  decodeFlowedText(str: string, delSp: boolean): string;
  getTextContent(): string;
};

let installed = false;
const HINT = Symbol('casedesk.charsetHint');

/** Tells the hook which charset this message uses elsewhere, for its unlabelled 8-bit header lines. */
export function setCharsetHint(parser: PostalMime, hint: string | null): void {
  (parser as unknown as { [HINT]?: string | null })[HINT] = hint;
}

/**
 * postal-mime decodes each text part with the WHATWG decoder named by its label, which turns
 * mislabelled parts (us-ascii over Big5, GB2312 over UTF-8, mojibake) into garbage and offers
 * no option to change it. Replacing MimeNode's text decoding with `decodeText` is the only
 * hook there is; it is installed once per process and only changes which charset is used.
 * Throws if postal-mime's internals no longer have the expected shape (caught by tests).
 */
export function installCharsetHook(): void {
  if (installed) return;
  const probe = new PostalMime() as unknown as { root?: object };
  const proto = probe.root ? (Object.getPrototypeOf(probe.root) as Partial<MimeNodeLike>) : undefined;
  if (
    !proto ||
    typeof proto.getTextContent !== 'function' ||
    typeof proto.decodeFlowedText !== 'function' ||
    typeof proto.feed !== 'function'
  ) {
    throw new Error('postal-mime internals changed: cannot install the charset hook');
  }
  proto.getTextContent = function getTextContent(this: MimeNodeLike): string {
    if (!this.content) return '';
    const bytes = this.content instanceof Uint8Array ? this.content : new Uint8Array(this.content);
    const params = this.contentType.parsed.params;
    let text = decodeText(bytes, params.charset);
    if (/^flowed$/i.test(params.format ?? ''))
      text = this.decodeFlowedText(text, /^yes$/i.test(params.delsp ?? ''));
    return text;
  };
  // Header lines are read as UTF-8; raw 8-bit GBK/Big5 file names (old Foxmail, Outlook
  // Express) would become U+FFFD. Re-read such a line with detection, keeping postal-mime's
  // own bookkeeping (size limits, state changes) by letting it run first.
  const feed = proto.feed;
  proto.feed = function hookedFeed(this: MimeNodeLike, line: Uint8Array): void {
    const inHeader = this.state === 'header';
    const before = this.headerLines.length;
    feed.call(this, line);
    if (
      inHeader &&
      this.headerLines.length === before + 1 &&
      (this.headerLines[before] ?? '').includes('\ufffd')
    ) {
      this.headerLines[before] = decodeText(line, null, this.postalMime?.[HINT] ?? null);
    }
  };
  installed = true;
}
