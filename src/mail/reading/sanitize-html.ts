import sanitizeHtml from 'sanitize-html';

export { htmlToText } from './html-to-text.js';

export type SanitizeOptions = {
  /** Load remote (http/https) images; off by default because they track the reader. */
  allowRemoteImages: boolean;
  /** URL serving the case file with this Content-ID (no angle brackets), or null if unknown. */
  resolveCid: (cid: string) => string | null;
};

/** Transparent 1×1 GIF shown in place of a blocked remote image. */
export const REMOTE_IMAGE_PLACEHOLDER =
  'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

const EXTRA_TAGS = ['img', 'font', 'center', 'big', 'tt', 'strike', 'del', 'ins', 'span', 'div'];
const LAYOUT_ATTRS = [
  'style',
  'align',
  'valign',
  'width',
  'height',
  'bgcolor',
  'border',
  'cellpadding',
  'cellspacing',
  'colspan',
  'rowspan',
  'dir',
  'lang',
  'title',
];
// A CSS value may not fetch anything or run anything.
const SAFE_CSS_VALUE =
  /^(?!.*(url\s*\(|expression|javascript|vbscript|@import|behavior|-moz-binding|\\)).*$/i;
const CSS_PROPERTIES = [
  'color',
  'background-color',
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'text-align',
  'text-decoration',
  'line-height',
  'margin',
  'margin-top',
  'margin-bottom',
  'margin-left',
  'margin-right',
  'padding',
  'padding-top',
  'padding-bottom',
  'padding-left',
  'padding-right',
  'border',
  'border-collapse',
  'border-color',
  'border-style',
  'border-width',
  'width',
  'height',
  'max-width',
  'vertical-align',
  'white-space',
  'display',
];
const INLINE_IMAGE = /^data:image\/(png|gif|jpe?g|webp|bmp);base64,/i;

function imageAttributes(attribs: Record<string, string>, opts: SanitizeOptions): Record<string, string> {
  const out: Record<string, string> = { ...attribs };
  const src = (attribs.src ?? '').trim();
  delete out.src;
  delete out.srcset;
  if (/^cid:/i.test(src)) {
    const cid = decodeURIComponent(src.slice(4)).replace(/^<|>$/g, '');
    const url = opts.resolveCid(cid);
    out['data-cid'] = cid;
    if (url) out.src = url;
  } else if (/^(https?:)?\/\//i.test(src)) {
    if (opts.allowRemoteImages) {
      out.src = src;
    } else {
      out.src = REMOTE_IMAGE_PLACEHOLDER;
      out['data-remote-src'] = src;
    }
  } else if (INLINE_IMAGE.test(src)) {
    out.src = src;
  }
  return out;
}

/**
 * Makes inbound HTML mail safe to show inside CaseDesk: no scripts, styles blocks, event
 * handlers, javascript: URLs, forms, frames, SVG or meta refresh; remote images replaced by a
 * placeholder (original URL kept in `data-remote-src`) unless allowed; `cid:` images pointed
 * at the case's files; links open in a new tab without referrer.
 *
 * @example
 * sanitizeEmailHtml('<img src="cid:logo@x"><script>alert(1)</script>', {
 *   allowRemoteImages: false,
 *   resolveCid: (cid) => `/api/files/by-cid/${encodeURIComponent(cid)}`,
 * }) // '<img data-cid="logo@x" src="/api/files/by-cid/logo%40x" />'
 */
export function sanitizeEmailHtml(html: string, opts: SanitizeOptions): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, ...EXTRA_TAGS],
    disallowedTagsMode: 'discard',
    nonTextTags: [
      'script',
      'style',
      'textarea',
      'option',
      'noscript',
      'title',
      'head',
      'xml',
      'template',
      'svg',
      'math',
    ],
    allowedAttributes: {
      '*': LAYOUT_ATTRS,
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'data-remote-src', 'data-cid'],
      font: ['color', 'face', 'size'],
    },
    allowedStyles: { '*': Object.fromEntries(CSS_PROPERTIES.map((p) => [p, [SAFE_CSS_VALUE]])) },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'data-remote-src'],
    allowProtocolRelative: true,
    transformTags: {
      img: (tagName, attribs) => ({ tagName, attribs: imageAttributes(attribs, opts) }),
      a: (tagName, attribs) => {
        const out: Record<string, string> = { ...attribs };
        delete out.target;
        delete out.rel;
        if (attribs.href) Object.assign(out, { target: '_blank', rel: 'noopener noreferrer' });
        return { tagName, attribs: out };
      },
    },
  });
}
