import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../../bin/casedesk.js');

/** `casedesk case list` on a PGlite data dir, as a user runs it beside (or after) another process. */
async function caseList(dataDir: string): Promise<{ code: number; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CASEDESK_DATA_DIR: dataDir, CASEDESK_FROM_SOURCE: '1' };
  delete env.DATABASE_URL;
  try {
    await run('node', [bin, 'case', 'list'], { env });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('the embedded database directory lock', { timeout: 60_000 }, () => {
  it('stops a second process with a clear message, and lets it in once the first is done', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'casedesk-lock-'));
    const lock = lockDataDir(dataDir);
    const blocked = await caseList(dataDir);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain(`in use by another CaseDesk process (pid ${process.pid}`);
    expect(blocked.stderr).not.toContain('Aborted');
    lock.release();
    expect(existsSync(join(dataDir, 'casedesk.lock'))).toBe(false);
    expect(await caseList(dataDir)).toEqual({ code: 0, stderr: '' });
    expect(existsSync(join(dataDir, 'casedesk.lock'))).toBe(false); // the CLI released it on exit
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'casedesk-lock-'));
    const gone = spawnSync('node', ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dataDir, 'casedesk.lock'), `${gone}\nserve\n`);
    expect(await caseList(dataDir)).toEqual({ code: 0, stderr: '' });
  });
});
