import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WINLOGS } from './test-fixtures.js';
import { triageCommand } from './triage.command.js';

async function runCli(args: string[]) {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const cmd = triageCommand({
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    setExitCode: (c) => {
      exitCode = c;
    },
  });
  await cmd.parseAsync(args, { from: 'user' });
  return { stdout, stderr, exitCode };
}

describe('casedesk triage', () => {
  it('--json prints {files, findings} with the documented finding fields', async () => {
    const file = join(WINLOGS, 'transcribed', 'msdocs_0x80073712_component_store_corrupt_cbs.log');
    const { stdout, exitCode } = await runCli([file, '--json']);
    expect(exitCode).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.files).toEqual([
      expect.objectContaining({ file: 'msdocs_0x80073712_component_store_corrupt_cbs.log', kind: 'cbs' }),
    ]);
    const f = out.findings.find((x: { code: string }) => x.code === '0x80073712');
    for (const key of [
      'rule',
      'severity',
      'code',
      'codeName',
      'message',
      'file',
      'line',
      'excerpt',
      'facts',
      'nextStep',
    ]) {
      expect(f).toHaveProperty(key);
    }
    expect(f.codeName).toBe('ERROR_SXS_COMPONENT_STORE_CORRUPT');
  });

  it('prints a readable report without --json', async () => {
    const { stdout } = await runCli([join(WINLOGS, 'appostarsi_cbs_sfc_cannot_repair_member_file.log')]);
    expect(stdout).toContain(
      'ERROR   hash-mismatch  appostarsi_cbs_sfc_cannot_repair_member_file.log:9 (×3)',
    );
    expect(stdout).toContain('Get-FileHash -Algorithm MD5 -Path "$env:SystemRoot\\WinSxS\\*\\dnsapi.dll"');
  });

  it('a missing file is a clear error naming it, exit code 1', async () => {
    const { stdout, stderr, exitCode } = await runCli(['/no/such/CBS.log', '--json']);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('casedesk triage: No such file: /no/such/CBS.log\n');
  });
});
