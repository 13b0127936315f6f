import { normalizeHash } from './facts.js';

export type TemplateVars = Record<string, string | undefined>;

/**
 * Replaces `{{name}}` with the variable's value ('' when absent); `{{#name}}…{{/name}}` is kept
 * only when `name` is non-empty. Tidies doubled spaces.
 */
export function renderTemplate(template: string, vars: TemplateVars): string {
  return template
    .replace(/\{\{#([A-Za-z0-9_]+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_, name: string, inner: string) =>
      vars[name] ? inner : '',
    )
    .replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => vars[name] ?? '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ +$/gm, '')
    .trim();
}

/**
 * A CBS file reference as a PowerShell path for Get-FileHash:
 * `\SystemRoot\WinSxS\x\f.dll` → `$env:SystemRoot\WinSxS\x\f.dll`; `\??\C:\Windows\\f` → `C:\Windows\f`;
 * a bare member name (`dnsapi.dll`, as newer CBS logs print it) → `$env:SystemRoot\WinSxS\*\dnsapi.dll`.
 */
export function powershellPath(file: string): string {
  const p = file.replace(/\\{2,}/g, '\\');
  if (/^\\SystemRoot\\/i.test(p)) return `$env:SystemRoot${p.slice('\\SystemRoot'.length)}`;
  if (/^\\\?\?\\/.test(p)) return p.slice(4);
  if (/^[A-Za-z]:\\/.test(p)) return p;
  return `$env:SystemRoot\\WinSxS\\*\\${p}`;
}

const DERIVERS: Record<string, (value: string) => string> = {
  hash: (v) => normalizeHash(v)?.hex ?? v,
  powershellPath,
  upper: (v) => v.toUpperCase(),
  lower: (v) => v.toLowerCase(),
  short: (v) => (v.length > 120 ? `${v.slice(0, 117)}...` : v),
};

export function derive(fn: string, value: string): string {
  const f = DERIVERS[fn];
  return f ? f(value) : value;
}
