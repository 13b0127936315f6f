import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/mail/parse/parse-message.js';
import { openTestDatabase, type TestDatabase, testDbKind, testPgUrl } from '../support/test-db.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'casedesk.js');
const seedPath = join(root, 'test/fixtures/seed-thread/000_673e19c121c0ecf3.txt');

// The real binary: `reply` queues without an SMTP server; `serve` started with one sends it.
let database: TestDatabase | null = null;
let env: NodeJS.ProcessEnv;
let sink: SmtpSink;
const work = mkdtempSync(join(tmpdir(), 'casedesk-reply-'));

beforeAll(async () => {
  sink = await startSmtpSink();
  env = {
    ...process.env,
    CASEDESK_DATA_DIR: join(work, 'data'),
    CASEDESK_TRACKING_PREFIX: 'CMIT',
    CASEDESK_FROM_SOURCE: '1',
  };
  delete env.DATABASE_URL;
  for (const k of Object.keys(env)) if (k.startsWith('CASEDESK_SMTP_OUT_')) delete env[k];
  if (testDbKind === 'postgres') {
    database = await openTestDatabase();
    env.DATABASE_URL = `${testPgUrl}?options=${encodeURIComponent(`-c search_path=${database.schema}`)}`;
  }
});
afterAll(async () => {
  await sink.close();
  await database?.drop();
});

async function casedesk(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args], { env: { ...env, ...extraEnv }, cwd: root });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('casedesk reply', { timeout: 360_000 }, () => {
  it('queues a reply on the seed case, then a server with SMTP configured sends it once', async () => {
    expect(
      (await casedesk(['import-thread', '--engineer', 'Li Qi', '--engineer', 'Jia Wei', seedPath])).code,
    ).toBe(0);
    const textFile = join(work, 'reply.txt');
    writeFileSync(textFile, '王工您好：\n\n请按附件步骤收集日志。\n');
    const attachment = join(work, 'CBS日志说明.txt');
    writeFileSync(attachment, 'dism /online /cleanup-image /scanhealth\n');
    const res = await casedesk([
      'reply',
      'CAS-04814-C9T9D0',
      '--to',
      'wang.li@icbc.com.cn',
      '--cc',
      'win10@icbc.com.cn',
      '--text-file',
      textFile,
      '--attach',
      attachment,
      '--as',
      'Li Qi',
      '--json',
    ]);
    expect(res.stderr).toBe('');
    const activity = JSON.parse(res.stdout);
    expect(activity.payload.delivery.summary).toBe('not sent: no SMTP server configured');
    expect(activity.email.subject).toContain(
      '[案例号:\u2009CAS-04814-C9T9D0\u2009] %\u2009|P3|ICBC|补丁更新失败\u2009%',
    );

    const listed = await casedesk(['outbox', 'list']);
    expect(listed.stdout).toMatch(
      /^[0-9a-f-]{36} {2}CAS-04814-C9T9D0 {2}wang.li@icbc.com.cn {2}not sent: no SMTP server configured\n/,
    );

    const server = spawn('node', [bin, 'serve', '--port', '0'], {
      cwd: root,
      env: {
        ...env,
        CASEDESK_SMTP_OUT_HOST: '127.0.0.1',
        CASEDESK_SMTP_OUT_PORT: String(sink.port),
        CASEDESK_SMTP_OUT_TLS: 'none',
        CASEDESK_MAIL_FROM: 'Vendor Support <support@vendor.example>',
        CASEDESK_LOG_LEVEL: 'silent',
        CASEDESK_ADMIN_PASSWORD: 'correct horse battery',
      },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    for (let i = 0; i < 600 && sink.accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2500)); // a few more rounds: nothing is sent twice
    server.kill('SIGTERM');
    await exited;
    expect(sink.accepted).toHaveLength(1);
    const parsed = await parseMessage(sink.accepted[0]?.raw ?? new Uint8Array());
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.message.messageId).toBe(activity.email.messageId);
    expect(parsed.message.from).toEqual({ name: 'Li Qi', address: 'support@vendor.example' });
    expect(parsed.message.text).toContain('请按附件步骤收集日志。');
    expect(parsed.message.attachments.map((a) => a.filename)).toEqual(['CBS日志说明.txt']);

    const after = await casedesk(['outbox', 'list', '--json']);
    expect(JSON.parse(after.stdout)[0]).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('says clearly what is wrong', async () => {
    const unknown = await casedesk([
      'reply',
      'CAS-99999-ZZZZZZ',
      '--to',
      'a@b.cn',
      '--text',
      'x',
      '--as',
      'Li Qi',
    ]);
    expect(unknown).toMatchObject({ code: 3, stderr: 'error: No case CAS-99999-ZZZZZZ\n' });
    const bad = await casedesk([
      'reply',
      'CAS-04814-C9T9D0',
      '--to',
      'wang.li',
      '--text',
      'x',
      '--as',
      'Li Qi',
    ]);
    expect(bad).toMatchObject({ code: 1, stderr: 'error: Not an email address in to: "wang.li"\n' });
    const none = await casedesk(['reply', 'CAS-04814-C9T9D0', '--text', 'x']);
    expect(none).toMatchObject({ code: 1, stderr: 'error: Say who gets the reply with --to ADDRESS\n' });
  });
});
