import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'casedesk.js');

function casedesk(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [bin, ...args], { cwd: root, env: { ...process.env, DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('casedesk mail settings', () => {
  it('shows, stores (password from stdin, never printed) and resets the mail settings', async () => {
    const dataDir = ['--data-dir', mkdtempSync(join(tmpdir(), 'cd-mail-cli-'))];
    const first = await casedesk(['mail', 'settings', ...dataDir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('SMTP out (environment): not configured');

    const set = await casedesk(
      [
        'mail',
        'settings',
        'set',
        '--smtp-host',
        'relay.vendor.example',
        '--smtp-tls',
        'tls',
        '--smtp-user',
        'relay',
        '--smtp-password-stdin',
        '--from',
        'Support <support@vendor.example>',
        '--json',
        ...dataDir,
      ],
      'cli-secret\n',
    );
    expect(set.code).toBe(0);
    expect(set.stdout).not.toContain('cli-secret');
    expect(JSON.parse(set.stdout)).toMatchObject({
      outbound: {
        source: 'stored',
        host: 'relay.vendor.example',
        port: 465,
        user: 'relay',
        passwordSet: true,
      },
      from: { source: 'stored', address: 'support@vendor.example' },
    });

    const bad = await casedesk(['mail', 'settings', 'set', '--from', 'nobody', ...dataDir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('From: not one email address');

    const reset = await casedesk(['mail', 'settings', 'set', '--reset', 'smtp,from', ...dataDir]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('SMTP out (environment): not configured');
  }, 120_000);
});
