import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase, testDbKind, testPgUrl } from './support/test-db.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'casedesk.js');
const seedPath = join(root, 'test/fixtures/seed-thread/000_673e19c121c0ecf3.txt');

// The real binary, as a user runs it: on a PGlite data dir, or on PostgreSQL through DATABASE_URL.
let database: TestDatabase | null = null;
let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'casedesk-cli-'));
  env = {
    ...process.env,
    CASEDESK_DATA_DIR: dataDir,
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

async function casedesk(
  args: string[],
  input?: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const child = run('node', [bin, ...args], { env, cwd: root, maxBuffer: 10 * 1024 * 1024 });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    const { stdout, stderr } = await child;
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('casedesk CLI', { timeout: 120_000 }, () => {
  it('imports the seed with --json as the issue specifies', async () => {
    const res = await casedesk([
      'import-thread',
      '--engineer',
      'Li Qi',
      '--engineer',
      'Jia Wei',
      '--json',
      seedPath,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([
      {
        file: seedPath,
        caseNumber: 'CAS-04814-C9T9D0',
        title: '补丁更新失败',
        priority: 'P3',
        account: 'ICBC',
        stage: '初次响应',
        trackingToken: 'CMIT:0001334',
        messages: 11,
        owner: 'Li Qi',
        created: true,
      },
    ]);
  });

  it('creates nothing on a second import and says so', async () => {
    const res = await casedesk(['import-thread', seedPath]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('nothing created, already imported as CAS-04814-C9T9D0');
    expect(res.stdout).toContain('0 created, 1 already present, 0 failed');
  });

  it('exports the seed byte for byte, to stdout and to a file', async () => {
    const res = await casedesk(['export-thread', 'CAS-04814-C9T9D0']);
    expect(res.stdout).toBe(readFileSync(seedPath, 'utf8'));
    const out = join(dataDir, 'export.txt');
    await casedesk(['export-thread', 'CAS-04814-C9T9D0', '--out', out]);
    expect(readFileSync(out).equals(readFileSync(seedPath))).toBe(true);
  });

  it('lists and shows cases', async () => {
    const list = await casedesk(['case', 'list', '--status', 'in_progress', '--json']);
    expect(JSON.parse(list.stdout).items.map((c: { number: string }) => c.number)).toEqual([
      'CAS-04814-C9T9D0',
    ]);
    const show = await casedesk(['case', 'show', 'CAS-04814-C9T9D0']);
    expect(show.stdout).toContain('transfer Li Qi → Jia Wei');
    expect(show.stdout).toContain('owner Li Qi');
  });

  it('reports a bad file with file and line, and stores nothing of it', async () => {
    const bad = join(dataDir, 'truncated.txt');
    const text = readFileSync(seedPath, 'utf8').replace('CAS-04814-C9T9D0', 'CAS-00009-ZZZZZZ');
    writeFileSync(bad, text.slice(0, text.indexOf('发送时间：2021-09-29')));
    const res = await casedesk(['import-thread', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/truncated\.txt, line \d+/);
    const show = await casedesk(['case', 'show', 'CAS-00009-ZZZZZZ']);
    expect(show.code).toBe(3);
  });

  it('says what is wrong with a bad flag', async () => {
    const res = await casedesk(['case', 'list', '--priority', 'P7']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("option '--priority <list>' argument 'P7' is invalid");
    const unknown = await casedesk(['case', 'list', '--colour', 'red']);
    expect(unknown.stderr).toContain("unknown option '--colour'");
  });

  it('adds a user and creates an API token as JSON', async () => {
    const add = await casedesk(
      ['user', 'add', 'Li Na', '--email', 'li.na@example.com', '--password-stdin'],
      'a long enough secret\n',
    );
    expect(add.code, add.stderr).toBe(0);
    const token = await casedesk(['token', 'create', '--user', 'li.na@example.com', '--json']);
    expect(JSON.parse(token.stdout)).toEqual({ token: expect.stringMatching(/^cdt_/) });
  });

  it('applies migrations with migrate', async () => {
    const res = await casedesk(['migrate']);
    expect(res.stdout).toContain('database is up to date');
  });
});

describe('casedesk serve', { timeout: 120_000 }, () => {
  it('prints the URL and the first admin on first start, and that admin can sign in', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'casedesk-serve-'));
    const serveEnv: NodeJS.ProcessEnv = { ...env, CASEDESK_DATA_DIR: fresh, CASEDESK_LOG_LEVEL: 'silent' };
    // On PostgreSQL a schema of its own, so "first start" really finds no engineers.
    const own = testDbKind === 'postgres' ? await openTestDatabase() : null;
    if (own)
      serveEnv.DATABASE_URL = `${testPgUrl}?options=${encodeURIComponent(`-c search_path=${own.schema}`)}`;
    const child = spawn('node', [bin, 'serve', '--port', '0'], { env: serveEnv, cwd: root });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('password')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const password = /sign in as "admin" with password (\S+)/.exec(out)?.[1];
      expect(url).toBeDefined();
      expect(password).toBeDefined();
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'admin', password }),
      });
      expect(login.status).toBe(200);
      expect(await login.json()).toMatchObject({ name: 'admin', role: 'admin' });
    } finally {
      child.kill('SIGTERM');
      await own?.drop();
    }
  });
});
