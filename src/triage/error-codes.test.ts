import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeErrorCode, formatErrorCode, parseErrorCode } from './error-codes.js';

describe('describeErrorCode', () => {
  it('names 0x80073712 ERROR_SXS_COMPONENT_STORE_CORRUPT with its documented message', () => {
    expect(describeErrorCode('0x80073712')).toEqual({
      code: '0x80073712',
      name: 'ERROR_SXS_COMPONENT_STORE_CORRUPT',
      message: 'The component store is in an inconsistent state.',
      messageSource: 'microsoft-docs',
    });
  });

  it('reads the forms logs print: Win32 decimal, signed and unsigned decimal, bare 8-digit hex', () => {
    for (const form of [
      '14098',
      14098,
      '0x3712',
      '-2147010798',
      '2147956498',
      '80073712',
      'ERROR_SXS_COMPONENT_STORE_CORRUPT',
    ]) {
      expect(describeErrorCode(form)?.code, String(form)).toBe('0x80073712');
    }
  });

  it('unwraps HRESULT_FROM_WIN32 and NTSTATUS_FROM_WIN32', () => {
    expect(describeErrorCode('0x80070002')?.name).toBe('ERROR_FILE_NOT_FOUND');
    // CSI prints "with NTSTATUS -1073283059" for NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA).
    expect(describeErrorCode(-1073283059)).toMatchObject({
      code: '0xC007000D',
      name: 'NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA)',
    });
  });

  it('knows servicing and Windows Update codes', () => {
    expect(describeErrorCode('0x800f081f')?.name).toBe('CBS_E_SOURCE_MISSING');
    expect(describeErrorCode('0x800F0922')?.name).toBe('CBS_E_INSTALLERS_FAILED');
    expect(describeErrorCode('80240061')?.name).toBe('WU_E_FILETRUST_SHA2SIGNATURE_MISSING');
    expect(describeErrorCode('0x800706ba')).toMatchObject({
      name: 'RPC_S_SERVER_UNAVAILABLE',
      messageSource: 'symbol',
    });
  });

  it('returns null for what is not a known code', () => {
    expect(describeErrorCode('hello')).toBeNull();
    expect(describeErrorCode('0x1234567890')).toBeNull();
    expect(describeErrorCode('0xDEADBEEF')).toBeNull();
  });

  it('hex and signed-decimal spellings of the same code agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0x80000000, max: 0xffffffff }), (v) => {
        const signed = v - 2 ** 32;
        expect(parseErrorCode(String(signed))).toBe(v);
        expect(parseErrorCode(formatErrorCode(v))).toBe(v);
        expect(describeErrorCode(signed)).toEqual(describeErrorCode(formatErrorCode(v)));
      }),
    );
  });
});
