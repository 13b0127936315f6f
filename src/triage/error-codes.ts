import table from './data/error-codes.json' with { type: 'json' };

/** A Windows error code with its symbolic name and, where known, its meaning. */
export type ErrorCodeInfo = {
  /** Normalised 32-bit code, e.g. `0x80073712` (Win32 codes as HRESULT_FROM_WIN32). */
  code: string;
  name: string;
  message: string;
  /** Where `message` comes from: Microsoft's docs, or spelled out from the symbol name. */
  messageSource: 'microsoft-docs' | 'symbol';
};

const codes = table.codes as unknown as Record<string, [string, string?]>;
const byName = new Map<string, string>();
for (const [key, [name]] of Object.entries(codes)) if (!byName.has(name)) byName.set(name, key);

const hex8 = (v: number) => (v >>> 0).toString(16).toUpperCase().padStart(8, '0');

/**
 * Parses a code as logs print it into its unsigned 32-bit value, or null.
 * Accepts `0x80073712`, `80073712` (Windows Update prints 8 hex digits without 0x),
 * `-2146498798` (signed decimal), `2147942402`, and small Win32 decimals such as `14098`.
 */
export function parseErrorCode(input: string | number): number | null {
  if (typeof input === 'number') return Number.isInteger(input) ? normalizeValue(input) : null;
  const s = input.trim();
  let v: number;
  if (/^0x[0-9a-f]{1,8}$/i.test(s)) v = Number.parseInt(s.slice(2), 16);
  else if (/^[0-9a-f]{8}$/i.test(s)) v = Number.parseInt(s, 16);
  else if (/^-?\d{1,10}$/.test(s)) v = Number(s);
  else return null;
  return normalizeValue(v);
}

function normalizeValue(v: number): number | null {
  if (v < -0x80000000 || v > 0xffffffff) return null;
  const u = v >>> 0;
  // A bare Win32 code (DISM prints "Error: 14098") is reported as its HRESULT_FROM_WIN32 form.
  return u > 0 && u <= 0xffff ? (0x80070000 | u) >>> 0 : u;
}

/** Formats a 32-bit value as the canonical `0xXXXXXXXX` (lower-case 0x, upper-case digits). */
export function formatErrorCode(value: number): string {
  return `0x${hex8(value)}`;
}

/**
 * Describes a Windows error code: HRESULT, Win32 (plain or wrapped as 0x8007xxxx),
 * NTSTATUS_FROM_WIN32 (0xC007xxxx), in hex, 8-digit hex or (signed) decimal, or a symbol name.
 *
 * @example describeErrorCode('0x80073712')
 * // { code: '0x80073712', name: 'ERROR_SXS_COMPONENT_STORE_CORRUPT', message: 'The component store is …' }
 */
export function describeErrorCode(input: string | number): ErrorCodeInfo | null {
  let value = parseErrorCode(input);
  if (value === null && typeof input === 'string') {
    const key = byName.get(input.trim().toUpperCase());
    if (key) value = Number.parseInt(key, 16);
  }
  if (value === null) return null;
  const direct = codes[hex8(value)];
  if (direct) return info(value, direct[0], direct[1]);
  // NTSTATUS_FROM_WIN32 carries the Win32 code in its low word, like HRESULT_FROM_WIN32.
  if ((value & 0xffff0000) >>> 0 === 0xc0070000) {
    const wrapped = codes[hex8((0x80070000 | (value & 0xffff)) >>> 0)];
    if (wrapped) return info(value, `NTSTATUS_FROM_WIN32(${wrapped[0]})`, wrapped[1]);
  }
  return null;
}

function info(value: number, name: string, message: string | undefined): ErrorCodeInfo {
  return {
    code: formatErrorCode(value),
    name,
    message: message ?? messageFromSymbol(name),
    messageSource: message ? 'microsoft-docs' : 'symbol',
  };
}

/** `ERROR_SXS_ASSEMBLY_MISSING` → `Sxs assembly missing` when no documented text is on file. */
export function messageFromSymbol(name: string): string {
  const bare = name
    .replace(/^NTSTATUS_FROM_WIN32\((.*)\)$/, '$1')
    .replace(/^(ERROR|WU_E|WU_S|CBS_E|PSFX_E|E|S|RPC_S|RPC_E|CO_E|TRUST_E|CERT_E|CRYPT_E|STATUS)_/, '');
  const words = bare.toLowerCase().split('_').filter(Boolean).join(' ');
  return words ? `${words[0]?.toUpperCase()}${words.slice(1)}` : name;
}
