/**
 * A sanitized email body as a standalone page for the console's sandboxed frame. The page carries
 * its own Content-Security-Policy, so even if the sanitizer missed something nothing runs: no
 * script at all, no forms, no plugins, and images only from CaseDesk itself (the email's cid:
 * files) or inline data — plus http(s) images only when the reader asked for remote images.
 */
export function emailFrameCsp(options: { allowRemoteImages: boolean }): string {
  return [
    "default-src 'none'",
    `img-src 'self' data:${options.allowRemoteImages ? ' https: http:' : ''}`,
    "style-src 'unsafe-inline'",
    'font-src data:',
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    // allow-same-origin lets cid: images carry the session cookie; without allow-scripts it gives
    // the page no power (nothing can run in it).
    'sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain-text mail shown as written (all of it, quoted history included), escaped. */
export function plainTextBody(text: string): string {
  return `<pre style="white-space:pre-wrap;font:inherit;margin:0">${escapeHtml(text)}</pre>`;
}

/** Wraps already-sanitized HTML in a minimal document; links open outside the frame. */
export function emailDocument(sanitizedHtml: string, lang: string | null = null): string {
  return [
    '<!doctype html>',
    `<html${lang ? ` lang="${lang.replace(/[^A-Za-z-]/g, '')}"` : ''}><head><meta charset="utf-8">`,
    '<base target="_blank">',
    '<style>body{margin:8px;font:14px/1.45 system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;',
    'overflow-wrap:anywhere}img{max-width:100%;height:auto}table{max-width:100%}</style>',
    '</head><body>',
    sanitizedHtml,
    '</body></html>',
  ].join('');
}
