import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectLogKind } from './log-kind.js';
import { compileRules } from './rule-compiler.js';
import { scanText } from './rule-engine.js';
import { builtinRuleSpecs } from './rules/index.js';
import { readWinlog } from './test-fixtures.js';
import type { Finding } from './triage.types.js';

const rules = compileRules(builtinRuleSpecs);
/** Findings of one rule on a real fixture (one rule at a time, so fallbacks are seen alone). */
const run = (fixture: string, ruleId: string): Finding[] => {
  const text = readWinlog(fixture);
  const only = rules.filter((r) => r.id === ruleId);
  expect(only).toHaveLength(1);
  return scanText(text, { file: fixture, kind: detectLogKind(fixture, text), rules: only });
};

describe('rule files', () => {
  it('every *.rule.json is registered and valid', () => {
    const files = readdirSync(new URL('./rules/', import.meta.url)).filter((f) => f.endsWith('.rule.json'));
    expect(files.map((f) => f.replace('.rule.json', '')).sort()).toEqual(rules.map((r) => r.id).sort());
  });

  it('rejects a rule with a bad regex or a missing field, naming it', () => {
    const good = builtinRuleSpecs[0] as Record<string, unknown>;
    expect(() => compileRules([{ ...good, patterns: [{ triggers: ['abc'], regex: '(' }] }])).toThrow(
      /bad regex/,
    );
    expect(() => compileRules([{ ...good, message: undefined }])).toThrow(/Rule #1 is invalid/);
  });
});

describe('rules on real log excerpts', () => {
  it('component-store-corrupt: 0x80073712 with the SSU-before-LCU next step', () => {
    const [f] = run(
      'transcribed/msdocs_0x80073712_component_store_corrupt_cbs.log',
      'component-store-corrupt',
    ).filter((x) => x.code === '0x80073712');
    expect(f).toMatchObject({ severity: 'error', codeName: 'ERROR_SXS_COMPONENT_STORE_CORRUPT', line: 2 });
    expect(f?.nextStep).toMatch(/ScanHealth/);
    expect(f?.nextStep).toMatch(/servicing stack update \(SSU\).*first.*cumulative update/s);
    const dism = run('transcribed/issue_wsl13205_dism_error_14098_console.txt', 'component-store-corrupt');
    expect(dism[0]).toMatchObject({ code: '0x80073712', line: 11 });
  });

  it('hash-mismatch: file, expected and actual hash, and the three Get-FileHash commands', () => {
    const [f] = run('appostarsi_cbs_sfc_cannot_repair_member_file.log', 'hash-mismatch');
    expect(f?.message).toBe(
      'Hash mismatch on dnsapi.dll: expected SHA-256 1b5c0a9b4bc08b30f82ba2911d54d98ddb6be184b9601296b059b49741bbd5be, actual cf21243470965c28732eceda304252e20e0f3da75f84b7a2e4641ad61fcb2e83',
    );
    for (const alg of ['SHA256', 'SHA1', 'MD5']) {
      expect(f?.nextStep).toContain(
        `Get-FileHash -Algorithm ${alg} -Path "$env:SystemRoot\\WinSxS\\*\\dnsapi.dll"`,
      );
    }
    expect(f?.facts.filter((x) => x.kind === 'hash').map((x) => x.normalized)).toEqual([
      '1b5c0a9b4bc08b30f82ba2911d54d98ddb6be184b9601296b059b49741bbd5be',
      'cf21243470965c28732eceda304252e20e0f3da75f84b7a2e4641ad61fcb2e83',
    ]);
  });

  it('hash-mismatch: the older "Found/Expected" base64 format of Server 2012', () => {
    const [f] = run('alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log', 'hash-mismatch');
    expect(f?.line).toBe(78);
    expect(f?.message).toContain(
      'expected SHA-256 9f9db493bd7852edeeb476b924643a1d061b66984a865316ab9a4499f9c20eec',
    );
    expect(f?.nextStep).toContain(
      'Get-FileHash -Algorithm MD5 -Path "$env:SystemRoot\\WinSxS\\amd64_prncacla.inf_31bf3856ad364e35_6.2.9200.16384_none_fd9c01be8b864efc\\Amd64\\CNBJ2530.DPB"',
    );
  });

  it('sfc-cannot-repair: the file and component SFC could not fix', () => {
    const fs = run('scarlaglen_cbs_sfc_hashes_do_not_match_cannot_repair.log', 'sfc-cannot-repair');
    expect(fs).toHaveLength(7);
    expect(fs[0]?.message).toContain('DisplaySettings.svg (UserExperience-FileExp 10.0.22621.3810)');
  });

  it('checksur-corruption: each (p) line, repaired ones as info', () => {
    const fs = run(
      'transcribed/msdocs_0x800f081f_checksur_summary_manifest_corrupt.log',
      'checksur-corruption',
    );
    expect(fs.map((f) => [f.line, f.severity])).toEqual([
      [2, 'error'],
      [3, 'error'],
      [4, 'info'],
      [5, 'error'],
    ]);
    expect(fs[1]?.message).toBe(
      'CheckSUR: CBS MUM Missing Microsoft-Windows-Client-Features-Package~31bf3856ad364e35~amd64~~10.0.19041.4291',
    );
  });

  it('checksur-summary: corruption count and failing operation result', () => {
    const fs = run('alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log', 'checksur-summary');
    expect(fs.map((f) => f.message)).toContain('Store check detected 3 corruption(s) in the component store');
    expect(fs.map((f) => f.message)).toContain(
      'Store check/repair ended with 0x800F081F CBS_E_SOURCE_MISSING',
    );
  });

  it('missing-payload: no replacement file from any local source', () => {
    const fs = run('alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log', 'missing-payload');
    expect(fs).toHaveLength(3);
    expect(fs[0]).toMatchObject({ line: 90, severity: 'error' });
    expect(fs[0]?.nextStep).toContain('/Source:WIM:');
  });

  it('source-missing: 0x800f081f with a DISM /RestoreHealth /Source hint', () => {
    const [f] = run('appostarsi_dism_restorehealth_source_0x800f081f.log', 'source-missing');
    expect(f).toMatchObject({
      code: '0x800F081F',
      codeName: 'CBS_E_SOURCE_MISSING',
      line: 43,
      occurrences: 8,
    });
    expect(f?.nextStep).toMatch(/DISM \/Online \/Cleanup-Image \/RestoreHealth \/Source:WIM:.*\/LimitAccess/);
  });

  it('installers-failed: names the advanced installer', () => {
    const fs = run('transcribed/issue_wsl3708_0x800f0922_netsetupai_cbs.log', 'installers-failed');
    expect(fs.map((f) => f.message)).toContain(
      'Advanced installer "Network Drivers" (NetSetupAI.dll) failed with 0x800106D9',
    );
  });

  it('failing-package: the package and its status, with KB facts', () => {
    const fs = run('transcribed/msdocs_0x80073712_component_store_corrupt_cbs.log', 'failing-package');
    expect(fs.map((f) => f.message)).toContain(
      'Package Package_for_ServicingStack_3081~31bf3856ad364e35~amd64~~20348.3081.1.1 failed: 0x80073712 ERROR_SXS_COMPONENT_STORE_CORRUPT',
    );
  });

  it('wu-download-failed: DownloadManager failure and untrusted file', () => {
    const fs = run('appostarsi_windowsupdate_download_failed_80240061.log', 'wu-download-failed');
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ code: '0x80240061', line: 9, occurrences: 3 });
    expect(fs[0]?.nextStep).toContain('SoftwareDistribution');
  });

  it('wu-failed: other WU agent failures, one per component and code', () => {
    const fs = run('findingsanity_windowsupdate_agent_init_failed_80240013.log', 'wu-failed');
    expect(fs.map((f) => [f.code, f.codeName, f.occurrences])).toEqual([
      ['0x8024000C', 'WU_E_NOOP', 1],
      ['0x80240013', 'WU_E_DUPLICATE_ITEM', 3],
    ]);
  });

  it('setupapi-install-failed: FAILURE exit status and the !!! reason', () => {
    const fs = run('transcribed/msdocs_setupapi_dev_device_blocked_by_policy.log', 'setupapi-install-failed');
    expect(fs.map((f) => f.message)).toContain('Device/driver installation failed: 0xE0000248');
    expect(fs.map((f) => f.message)).toContain('setupapi dvi: Installation of device is blocked by policy!');
  });

  it('error-code: other codes once each, named, success ignored', () => {
    const fs = run('alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log', 'error-code');
    const codes = fs.map((f) => f.code);
    expect(codes).toContain('0x800706BA');
    expect(codes).not.toContain('0x00000000');
    expect(new Set(codes).size).toBe(codes.length);
    // CBS_E_CANCEL is not in the table; its name is taken from the log itself.
    expect(fs.find((f) => f.code === '0x800F0820')?.codeName).toBe('CBS_E_CANCEL');
  });
});
