import { describe, expect, it } from 'vitest';
import { htmlToText, REMOTE_IMAGE_PLACEHOLDER, sanitizeEmailHtml } from './sanitize-html.js';

const opts = {
  allowRemoteImages: false,
  resolveCid: (cid: string) => (cid === 'shot1@x' ? '/api/cases/7/files/shot1' : null),
};
const clean = (html: string, o = opts) => sanitizeEmailHtml(html, o);

describe('sanitizeEmailHtml against hostile HTML', () => {
  it.each([
    ['<p>hi</p><script>alert(1)</script>', /script|alert/],
    ['<img src=x onerror="alert(1)">', /onerror|alert/],
    [
      '<a href="javascript:alert(1)">x</a><a href="JaVaScRiPt:alert(2)">y</a><a href="&#106;avascript:alert(3)">z</a>',
      /javascript|alert/i,
    ],
    ['<svg onload="alert(1)"><circle r="1"/></svg>', /svg|onload|alert/],
    [
      '<div style="width: expression(alert(1)); background: url(https://t.example/x)">s</div>',
      /expression|url\(|alert/,
    ],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', /meta|refresh|evil/],
    [
      '<form action="https://evil.example"><input name="pw"></form><iframe src="https://evil.example"></iframe>',
      /form|input|iframe|evil/,
    ],
    ['<style>body{background:url(https://t.example/x)}</style><p>x</p>', /style|t\.example/],
    [
      '<object data="x.swf"></object><embed src="x.swf"><base href="https://evil.example/">',
      /object|embed|base|swf|evil/,
    ],
    ['<p onclick="steal()" onmouseover="steal()">x</p>', /onclick|onmouseover|steal/],
  ])('%s', (html, forbidden) => {
    expect(clean(html)).not.toMatch(forbidden);
  });

  it('keeps ordinary formatting and Chinese text', () => {
    const out = clean(
      '<table border="1"><tr><td style="color: red; font-weight: bold">错误代码 0x800f081f</td></tr></table>',
    );
    expect(out).toContain('<td style="color:red;font-weight:bold">错误代码 0x800f081f</td>');
  });

  it('blocks remote images behind a placeholder unless allowed', () => {
    const blocked = clean('<img src="https://tracker.example/p.gif" alt="logo">');
    expect(blocked).toContain(`src="${REMOTE_IMAGE_PLACEHOLDER}"`);
    expect(blocked).toContain('data-remote-src="https://tracker.example/p.gif"');
    const allowed = clean('<img src="https://cdn.example/logo.png">', { ...opts, allowRemoteImages: true });
    expect(allowed).toContain('src="https://cdn.example/logo.png"');
    expect(clean('<img srcset="https://t.example/a.png 2x">')).not.toContain('t.example');
  });

  it('points cid: images at the case files, and drops unknown ones', () => {
    expect(clean('<img src="cid:shot1@x">')).toContain('src="/api/cases/7/files/shot1"');
    const unknown = clean('<img src="cid:missing@x">');
    expect(unknown).not.toContain('src=');
    expect(unknown).toContain('data-cid="missing@x"');
  });

  it('opens links in a new tab without referrer', () => {
    expect(clean('<a href="https://learn.microsoft.com/">KB</a>')).toBe(
      '<a href="https://learn.microsoft.com/" target="_blank" rel="noopener noreferrer">KB</a>',
    );
  });
});

describe('htmlToText', () => {
  it('gives the readable text of an HTML mail', () => {
    const text = htmlToText(
      '<html><head><style>p{}</style></head><body><p>您好，</p><p>请见<a href="https://x">链接</a>。</p></body></html>',
    );
    expect(text).toBe('您好，\n\n请见链接。');
  });
});
