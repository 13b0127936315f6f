import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase, testDbKind, testPgUrl } from '../support/test-db.js';
import { SEED, seedPath } from './workflow-support.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin', 'casedesk.js');

// The real binary on a PGlite data dir, or on PostgreSQL through DATABASE_URL.
let database: TestDatabase | null = null;
let env: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'casedesk-workflow-cli-'));
  env = {
    ...process.env,
    CASEDESK_DATA_DIR: work,
    CASEDESK_TRACKING_PREFIX: 'CMIT',
    CASEDESK_FROM_SOURCE: '1',
  };
  delete env.DATABASE_URL;
  if (testDbKind === 'postgres') {
    database = await openTestDatabase();
    env.DATABASE_URL = `${testPgUrl}?options=${encodeURIComponent(`-c search_path=${database.schema}`)}`;
  }
});
afterAll(async () => database?.drop());

async function casedesk(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args], { env, cwd: root });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('workflow CLI', { timeout: 600_000 }, () => {
  it('records the scope, renders templates, closes, reopens, splits and merges the seed case', async () => {
    expect(
      (await casedesk(['import-thread', '--engineer', 'Li Qi', '--engineer', 'Jia Wei', seedPath])).code,
    ).toBe(0);

    const scope = await casedesk([
      'scope',
      'set',
      SEED,
      '--problem',
      '补丁 KB5004244 安装失败',
      '--scope',
      '分析安装失败原因',
      '--close-when',
      'solved,third_party',
      '--cadence',
      '2',
      '--channel',
      'email,phone',
      '--hotline',
      '400-818-0055',
    ]);
    expect(scope.code).toBe(0);
    expect(scope.stdout).toContain('every 2 business day(s)');
    const rendered = await casedesk([
      'template',
      'render',
      'log_collection',
      '--locale',
      'en',
      '--case',
      SEED,
      '--var',
      'uploadUser=ICBC001',
    ]);
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toContain('User name: ICBC001');
    expect(rendered.stderr).toContain('missing: uploadUrl, uploadPassword');

    const refused = await casedesk([
      'close',
      SEED,
      '--reason',
      'solved',
      '--consent',
      'mail:2',
      '--root-cause',
      'x',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('inbound mail from the customer');
    const closed = await casedesk([
      'close',
      SEED,
      '--reason',
      'third_party',
      '--consent',
      'mail:9',
      '--root-cause',
      '域账户无权限替换文件',
      '--as',
      'Jia Wei',
    ]);
    expect(closed.stdout).toBe(`closed ${SEED} (third_party)\n`);
    expect((await casedesk(['reopen', SEED, '--reason', '仍有电脑失败'])).stdout).toBe(
      `reopened ${SEED}: in_progress\n`,
    );

    const split = JSON.parse(
      (
        await casedesk([
          'split',
          SEED,
          '--mail',
          'mail:9',
          '--mail',
          'mail:10',
          '--title',
          '域账户权限',
          '--json',
        ])
      ).stdout,
    );
    expect(split).toMatchObject({ parent: SEED, copied: 2 });
    const merged = await casedesk(['merge', split.child, '--into', SEED, '--note', '同一问题']);
    expect(merged.stdout).toMatch(new RegExp(`^merged ${split.child} into ${SEED}`));
  });
});
