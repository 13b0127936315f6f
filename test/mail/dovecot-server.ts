import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Debian's dovecot, run by the tests with a throwaway configuration in a temp directory. */
export const dovecotBinary =
  ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p)) ?? null;

export type Dovecot = {
  port: number;
  user: string;
  password: string;
  stop: () => Promise<void>;
  restart: () => Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`dovecot did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDovecot(): Promise<Dovecot> {
  if (!dovecotBinary) throw new Error('dovecot is not installed');
  const binary = dovecotBinary;
  const dir = mkdtempSync(join(tmpdir(), 'cd-dovecot-'));
  // dovecot's auth process runs as the dovecot user and must reach the password file.
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, d));
  // Mail may not be owned by root: as root, mailboxes belong to `nobody`; otherwise to whoever runs the tests.
  const asRoot = process.getuid?.() === 0;
  const mailUid = asRoot ? 65534 : (process.getuid?.() ?? 1000);
  const mailGid = asRoot ? 65534 : (process.getgid?.() ?? 1000);
  for (const d of ['mail', 'home']) chownSync(join(dir, d), mailUid, mailGid);
  const runAs = asRoot
    ? ''
    : `default_login_user = ${userInfo().username}\ndefault_internal_user = ${userInfo().username}\n`;
  const port = await freePort();
  const user = 'support';
  const password = 'imap-test-secret';
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}::::::\n`);
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `${runAs}protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  );
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(binary, ['-F', '-c', conf], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    port,
    user,
    password,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}
