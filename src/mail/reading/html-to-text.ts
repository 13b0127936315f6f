import { convert } from 'html-to-text';

/**
 * Readable plain text from an HTML mail body (for search, previews, quoted-history splitting
 * and the `text` of HTML-only mail). Images and link targets are left out: only what a reader sees.
 *
 * @example htmlToText('<p>你好</p><p>第二段</p>') // '你好\n\n第二段'
 */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  }).trim();
}
