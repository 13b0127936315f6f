/**
 * Generates src/triage/data/error-codes.json, the compact error-code table used by triage.
 *
 *   node --import tsx scripts/gen-error-codes.ts ERRORCODES_DIR [WUERROR_H] [OUT_FILE]
 *
 * ERRORCODES_DIR holds winerror_mingw-w64.csv (public domain, mingw-w64) and
 * servicing_error_codes_msdocs.csv (CC-BY-4.0, Microsoft). WUERROR_H is mingw-w64's wuerror.h
 * (public domain; Debian package mingw-w64-common: /usr/share/mingw-w64/include/wuerror.h).
 * Keys are 8 upper-case hex digits of the 32-bit code; Win32 codes are stored as
 * HRESULT_FROM_WIN32 (0x8007xxxx) because that is how servicing logs print them.
 * Then run `npx biome format --write src/triage/data/error-codes.json` (it wraps a few long lines).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Entry = [name: string, message?: string];

const [dirArg, wuArg, outArg] = process.argv.slice(2);
if (!dirArg) {
  console.error('usage: gen-error-codes.ts ERRORCODES_DIR [WUERROR_H] [OUT_FILE]');
  process.exit(2);
}
const out = resolve(outArg ?? join(import.meta.dirname, '..', 'src', 'triage', 'data', 'error-codes.json'));

const hex8 = (v: number) => (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
const codes = new Map<string, Entry>();
const setIfAbsent = (key: string, entry: Entry) => {
  if (!codes.has(key)) codes.set(key, entry);
};

// 1. Microsoft docs first: they carry a message, and their names are the ones CBS prints.
const docs = readFileSync(join(dirArg, 'servicing_error_codes_msdocs.csv'), 'utf8').split(/\r?\n/).slice(1);
for (const line of docs) {
  if (!line.trim()) continue;
  const first = line.indexOf(',');
  const second = line.indexOf(',', first + 1);
  const last = line.lastIndexOf(',');
  const hex = line.slice(0, first);
  const name = line.slice(first + 1, second);
  const message = line.slice(second + 1, last).trim();
  setIfAbsent(hex8(Number.parseInt(hex, 16)), [name, message]);
}

// 2. winerror.h: HRESULTs by value; Win32 codes wrapped as HRESULT_FROM_WIN32.
const rows = readFileSync(join(dirArg, 'winerror_mingw-w64.csv'), 'utf8').split(/\r?\n/).slice(1);
const win32: [string, number][] = [];
for (const line of rows) {
  const [name, value, , kind] = line.split(',');
  if (!name || !value) continue;
  const v = Number(value);
  if (kind === 'HRESULT') setIfAbsent(hex8(v), [name]);
  else if (kind === 'WIN32') win32.push([name, v]);
}
for (const [name, v] of win32) {
  // 0 is success in both worlds; other Win32 values live in FACILITY_WIN32.
  const key = v === 0 ? '00000000' : v <= 0xffff ? hex8(0x80070000 | v) : hex8(v);
  // Prefer ERROR_* over aliases such as NO_ERROR for the same value.
  const existing = codes.get(key);
  if (!existing || (!existing[0].startsWith('ERROR_') && name.startsWith('ERROR_') && !existing[1]))
    codes.set(key, [name]);
}

// 3. Windows Update agent codes (WU_E_*), not in winerror.h.
if (wuArg) {
  const text = readFileSync(wuArg, 'utf8');
  for (const m of text.matchAll(/^#define\s+(WU_[A-Z0-9_]+)\s+_HRESULT_TYPEDEF_\((0x[0-9A-Fa-f]{8})L?\)/gm)) {
    setIfAbsent(hex8(Number.parseInt(m[2] as string, 16)), [m[1] as string]);
  }
}

// One code per line, as Biome formats it, so regenerating gives a readable diff.
const lines = [...codes.entries()]
  .sort(([a], [b]) => (a < b ? -1 : 1))
  .map(([key, entry]) => `    ${JSON.stringify(key)}: ${JSON.stringify(entry).replace(/","/g, '", "')}`);
writeFileSync(out, `{\n  "version": 1,\n  "codes": {\n${lines.join(',\n')}\n  }\n}\n`);
console.log(`wrote ${codes.size} codes to ${out}`);
