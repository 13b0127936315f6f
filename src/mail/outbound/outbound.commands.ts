import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { detectMimeType } from 'nodemailer/lib/mime-funcs';
import { getEngineer } from '../../auth/engineers.repo.js';
import { getCase } from '../../cases/cases.repo.js';
import { engineerActor } from '../../cases/cases.service.js';
import { action, printJson, withDatabaseFlags, withRuntime } from '../../cli/cli-support.js';
import { appDeps } from '../../main.js';
import { invalid } from '../../platform/errors.js';
import type { OutboxState } from './outbound.tables.js';
import { listOutboxEntries, retryOutboxEntry } from './outbox.service.js';
import { type ReplyAttachment, sendCaseReply } from './send-reply.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

type ReplyOptions = {
  to?: string[];
  cc?: string[];
  bcc?: string[];
  text?: string;
  textFile?: string;
  htmlFile?: string;
  attach?: string[];
  stage?: string;
  as?: string;
  json?: boolean;
  dataDir?: string;
};

/** `casedesk reply CASE --to … --text …`: queues an engineer's reply in the outbox. */
export function replyCommand(): Command {
  return withDatabaseFlags(
    new Command('reply')
      .description('Reply to a case by email; a running server sends it from the outbox')
      .argument('<caseNumber>', 'e.g. CAS-04814-C9T9D0')
      .option('--to <address>', 'recipient ("a@b" or "Name <a@b>"; repeat or comma-separate)', collect)
      .option('--cc <address>', 'copy recipient (repeatable)', collect)
      .option('--bcc <address>', 'blind copy recipient (repeatable)', collect)
      .addOption(new Option('--text <text>', 'the reply text').conflicts('textFile'))
      .option('--text-file <file>', 'read the reply text from a UTF-8 file ("-" for stdin)')
      .option('--html-file <file>', 'an HTML version of the reply')
      .option('--attach <file>', 'attach a file (repeatable)', collect)
      .option('--stage <stage>', 'stage shown in the subject (becomes the case stage)')
      .option('--as <engineer>', 'engineer replying (name or email); default the case owner')
      .option('--json', 'print the timeline entry as JSON'),
  ).action(
    action(async (caseNumber: string, opts: ReplyOptions) => {
      const to = opts.to ?? [];
      if (to.length === 0) throw invalid('mail.no_recipients', 'Say who gets the reply with --to ADDRESS');
      if (opts.text === undefined && !opts.textFile)
        throw invalid('mail.empty_reply', 'Give the reply with --text or --text-file');
      const text = opts.textFile ? await readText(opts.textFile) : (opts.text ?? '');
      const html = opts.htmlFile ? await readText(opts.htmlFile) : null;
      const attachments: ReplyAttachment[] = [];
      for (const file of opts.attach ?? []) {
        const content = await readFile(file).catch(() => {
          throw invalid('mail.attachment_unreadable', `Cannot read attachment ${file}`);
        });
        attachments.push({ filename: basename(file), contentType: detectMimeType(file), content });
      }
      await withRuntime(opts, async (runtime) => {
        const deps = appDeps(runtime);
        const kase = await getCase(deps.db, caseNumber);
        const who = opts.as ?? kase.owner?.name;
        if (!who)
          throw invalid('mail.no_engineer', `${caseNumber} has no owner; say who replies with --as NAME`);
        const engineer = await getEngineer(deps.db, who);
        const activity = await sendCaseReply(deps, engineerActor(engineer), caseNumber, {
          to,
          cc: opts.cc ?? [],
          bcc: opts.bcc ?? [],
          text,
          html,
          attachments,
          ...(opts.stage ? { stage: opts.stage } : {}),
        });
        if (opts.json) return printJson(activity);
        const delivery = activity.payload.delivery as { summary?: string } | undefined;
        process.stdout.write(
          `queued reply on ${caseNumber}\n  subject    ${activity.email?.subject}\n  message-id ${activity.email?.messageId}\n  delivery   ${delivery?.summary ?? 'queued'}\n`,
        );
      });
    }),
  );
}

/** `casedesk outbox list|retry`: what is waiting, sent or failed; send a failed message again. */
export function outboxCommand(): Command {
  const command = new Command('outbox').description('Outgoing mail and its delivery state');
  command.addCommand(
    withDatabaseFlags(
      new Command('list')
        .description('List outgoing mail, newest first')
        .option('--state <list>', 'comma-separated: pending, sending, retry, sent, failed, uncertain')
        .option('--limit <n>', 'how many', '50')
        .option('--json', 'print JSON'),
    ).action(
      action(async (opts: { state?: string; limit: string; json?: boolean; dataDir?: string }) => {
        const states = opts.state ? (opts.state.split(',').map((s) => s.trim()) as OutboxState[]) : undefined;
        const allowed = ['pending', 'sending', 'retry', 'sent', 'failed', 'uncertain'];
        const bad = (states ?? []).filter((s) => !allowed.includes(s));
        if (bad.length)
          throw invalid('outbox.bad_state', `Unknown state ${bad.join(', ')} (use ${allowed.join(', ')})`);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw invalid('outbox.bad_limit', '--limit needs a whole number ≥ 1');
        await withRuntime(opts, async (runtime) => {
          const items = await listOutboxEntries(runtime.database.db, {
            ...(states ? { states } : {}),
            limit,
          });
          if (opts.json) return printJson(items);
          for (const m of items) {
            process.stdout.write(
              `${m.id}  ${m.caseNumber ?? '-'}  ${m.to.join(',')}  ${m.delivery.summary}\n`,
            );
          }
          if (items.length === 0) process.stdout.write('outbox is empty\n');
        });
      }),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('retry')
        .description('Send a failed or uncertain message again (same Message-ID)')
        .argument('<id>', 'outbox id (from outbox list)')
        .option('--json', 'print JSON'),
    ).action(
      action(async (id: string, opts: { json?: boolean; dataDir?: string }) => {
        await withRuntime(opts, async (runtime) => {
          const entry = await retryOutboxEntry(runtime.database.db, id, runtime.clock.now());
          if (opts.json) return printJson(entry);
          process.stdout.write(`queued again: ${entry.messageId} (${entry.delivery.summary})\n`);
        });
      }),
    ),
  );
  return command;
}

async function readText(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  return readFile(file, 'utf8').catch(() => {
    throw invalid('mail.file_unreadable', `Cannot read ${file}`);
  });
}
