import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { action, printJson, withDatabaseFlags, withRuntime } from '../../cli/cli-support.js';
import { invalid } from '../../platform/errors.js';
import {
  type MailSettingsInput,
  type MailSettingsView,
  mailSettingsInputSchema,
} from './mail-settings.schemas.js';
import { mailSettingsView, updateMailSettings } from './mail-settings.service.js';

type SetFlags = {
  smtpHost?: string;
  smtpPort?: string;
  smtpTls?: 'tls' | 'starttls' | 'opportunistic' | 'none';
  smtpUser?: string;
  smtpPasswordStdin?: boolean;
  clearSmtpPassword?: boolean;
  from?: string;
  imapFile?: string;
  reset?: string;
  json?: boolean;
  dataDir?: string;
};

/** `casedesk mail settings [--json]` and `casedesk mail settings set …` (the CLI operator acts as admin). */
export function mailSettingsCommand(): Command {
  const command = withDatabaseFlags(
    new Command('settings')
      .description('Mail settings in force (stored here, else the environment); passwords never shown')
      .option('--json', 'print JSON'),
  ).action(
    action(async (opts: { json?: boolean; dataDir?: string }) => {
      await withRuntime(opts, async (runtime) => {
        const view = await mailSettingsView({
          db: runtime.database.db,
          clock: runtime.clock,
          config: runtime.config,
        });
        if (opts.json) return printJson(view);
        process.stdout.write(describe(view));
      });
    }),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('set')
        .description(
          'Store mail settings; what you leave out is kept (a running server applies them at once)',
        )
        .option('--smtp-host <host>', 'outbound SMTP server')
        .option('--smtp-port <port>', 'its port (default 465 with tls, else 587)')
        .addOption(
          new Option('--smtp-tls <mode>', 'TLS mode').choices(['tls', 'starttls', 'opportunistic', 'none']),
        )
        .option('--smtp-user <user>', 'SMTP user')
        .option('--smtp-password-stdin', 'read the SMTP password from standard input')
        .option('--clear-smtp-password', 'remove the stored SMTP password')
        .option('--from <address>', 'From address, e.g. "Support <support@vendor.com>"')
        .option('--imap-file <file>', 'IMAP mailboxes: a JSON array as in CASEDESK_IMAP_MAILBOXES')
        .option('--reset <sections>', 'back to the environment: smtp,from,imap')
        .option('--json', 'print JSON'),
    ).action(
      action(async (_own: SetFlags, cmd: Command) => {
        // `--json` after `set` is parsed by `settings` (it has the same option): read both.
        const opts: SetFlags = cmd.optsWithGlobals();
        const input = await inputFrom(opts);
        await withRuntime(opts, async (runtime) => {
          const deps = { db: runtime.database.db, clock: runtime.clock, config: runtime.config };
          const view = await updateMailSettings(deps, null, input);
          if (opts.json) return printJson(view);
          process.stdout.write(describe(view));
        });
      }),
    ),
  );
  return command;
}

async function inputFrom(opts: SetFlags): Promise<MailSettingsInput> {
  const raw: Record<string, unknown> = {};
  const reset = new Set(
    (opts.reset ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const unknown = [...reset].filter((s) => !['smtp', 'from', 'imap'].includes(s));
  if (unknown.length)
    throw invalid('mail.bad_reset', `--reset takes smtp, from, imap (not ${unknown.join(', ')})`);
  if (reset.has('smtp')) raw.outbound = null;
  else if (opts.smtpHost) {
    let password: string | null | undefined;
    if (opts.smtpPasswordStdin) password = (await readStdin()).replace(/\r?\n$/, '');
    if (opts.clearSmtpPassword) password = null;
    raw.outbound = {
      host: opts.smtpHost,
      ...(opts.smtpPort ? { port: Number(opts.smtpPort) } : {}),
      ...(opts.smtpTls ? { tls: opts.smtpTls } : {}),
      ...(opts.smtpUser ? { user: opts.smtpUser } : {}),
      ...(password !== undefined ? { password } : {}),
    };
  } else if (
    opts.smtpPort ||
    opts.smtpTls ||
    opts.smtpUser ||
    opts.smtpPasswordStdin ||
    opts.clearSmtpPassword
  ) {
    throw invalid('mail.smtp_host_needed', 'Give --smtp-host with the other SMTP options');
  }
  if (reset.has('from')) raw.from = null;
  else if (opts.from) raw.from = opts.from;
  if (reset.has('imap')) raw.imapMailboxes = null;
  else if (opts.imapFile) {
    try {
      raw.imapMailboxes = JSON.parse(await readFile(opts.imapFile, 'utf8'));
    } catch (err) {
      throw invalid(
        'mail.bad_imap_file',
        `${opts.imapFile}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  const parsed = mailSettingsInputSchema.safeParse(raw);
  if (!parsed.success)
    throw invalid(
      'mail.invalid',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  return parsed.data;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function describe(v: MailSettingsView): string {
  const o = v.outbound;
  const lines = [
    `SMTP out (${o.source}): ${o.configured ? `${o.host}:${o.port} ${o.tls}${o.user ? ` user ${o.user}` : ''}${o.passwordSet ? ' (password set)' : ''}` : 'not configured'}`,
    `From (${v.from.source}): ${v.from.value ?? v.from.address}`,
    `IMAP (${v.imap.source}): ${v.imap.mailboxes.length ? '' : 'none'}`,
    ...v.imap.mailboxes.map(
      (m) =>
        `  ${m.enabled ? 'on ' : 'off'} ${m.label}  uidvalidity ${m.status.uidValidity ?? '-'} last uid ${m.status.lastUid ?? '-'}`,
    ),
    `SMTP listener: ${v.listener.enabled ? `${v.listener.host}:${v.listener.port}` : 'off'}`,
    `Outbox: ${Object.entries(v.outbox)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}
