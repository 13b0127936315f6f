import { describe, expect, it } from 'vitest';
import { emailDocument, emailFrameCsp, plainTextBody } from './email-document.js';

describe('the sandboxed email page', () => {
  it('allows no script and remote images only when asked', () => {
    const blocked = emailFrameCsp({ allowRemoteImages: false });
    expect(blocked).toContain("default-src 'none'");
    expect(blocked).toContain("img-src 'self' data:;");
    expect(blocked).not.toMatch(/allow-scripts|script-src/);
    expect(emailFrameCsp({ allowRemoteImages: true })).toContain("img-src 'self' data: https: http:");
  });

  it('wraps the body in a document whose links open outside the frame', () => {
    const page = emailDocument('<p>你好</p>', 'zh-CN"><script>');
    expect(page).toMatch(/^<!doctype html><html lang="zh-CNscript"><head><meta charset="utf-8">/);
    expect(page).toContain('<base target="_blank">');
    expect(page).toContain('<body><p>你好</p></body>');
  });

  it('shows a mail without HTML as its escaped text', () => {
    expect(plainTextBody('a < b & "c"\n> quoted')).toBe(
      '<pre style="white-space:pre-wrap;font:inherit;margin:0">a &#60; b &#38; &#34;c&#34;\n&#62; quoted</pre>',
    );
  });
});
