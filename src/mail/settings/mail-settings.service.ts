import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Clock } from '../../platform/clock.js';
import type { Config } from '../../platform/config.js';
import type { DB } from '../../platform/db/db.js';
import { invalid } from '../../platform/errors.js';
import { parseRecipients as parseRecipientList } from '../inbound/inbound-deps.js';
import { defaultSmtpPort, parseMailFrom } from '../outbound/mail-settings.js';
import { newMessageId, parseRecipients } from '../outbound/message-headers.js';
import { createSmtpTransport } from '../outbound/smtp-transport.js';
import { type EffectiveMailSettings, loadMailSettings } from './effective-settings.js';
import { mailRuntime, notifyMailSettingsChanged } from './mail-runtime.js';
import { imapCursors, outboxCounts, saveMailSettings } from './mail-settings.repo.js';
import type { MailSettingsInput, MailSettingsView } from './mail-settings.schemas.js';
import type { StoredMailbox, StoredSmtp } from './mail-settings.tables.js';

type Deps = { db: Kysely<DB>; clock: Clock; config: Config };

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** The settings in force with where each comes from, the receivers' status and the outbox counts. */
export async function mailSettingsView(deps: Deps): Promise<MailSettingsView> {
  const current = await loadMailSettings(deps);
  const { outbound, mailboxes, sources, stored } = current;
  const cursors = await imapCursors(
    deps.db,
    mailboxes.map((m) => m.key),
  );
  const runtime = mailRuntime(deps.db);
  const listener = runtime.listener;
  const config = deps.config;
  return {
    outbound: {
      source: sources.smtp,
      configured: outbound.smtp !== null,
      host: outbound.smtp?.host ?? null,
      port: outbound.smtp?.port ?? null,
      tls: outbound.smtp?.tls ?? null,
      user: outbound.smtp?.user ?? null,
      passwordSet: Boolean(outbound.smtp?.password),
    },
    from: {
      source: sources.from,
      value: stored.mailFrom ?? config.mailFrom ?? null,
      address: outbound.from.address,
      messageIdDomain: outbound.messageIdDomain,
    },
    imap: {
      source: sources.imap,
      pollSeconds: config.imapPollSeconds,
      mailboxes: mailboxes.map((m) => {
        const cursor = cursors.get(m.key);
        const status = runtime.imap.get(m.key);
        return {
          id: m.id,
          enabled: m.enabled,
          name: m.name ?? null,
          label: m.label,
          host: m.host,
          port: m.port,
          tls: m.tls,
          user: m.user,
          passwordSet: Boolean(m.password),
          mailbox: m.mailbox,
          afterProcessing: m.afterProcessing,
          moveTo: m.moveTo ?? null,
          status: {
            running: status?.running ?? false,
            uidValidity: cursor?.uidValidity ?? null,
            lastUid: cursor?.lastUid ?? null,
            cursorUpdatedAt: iso(cursor?.updatedAt),
            lastPollAt: iso(status?.lastPollAt),
            lastError: status?.lastError ?? null,
            lastErrorAt: iso(status?.lastErrorAt),
          },
        };
      }),
    },
    listener: {
      enabled: listener !== null || config.smtpPort !== undefined,
      host: listener?.host ?? (config.smtpPort !== undefined ? (config.smtpHost ?? config.host) : null),
      port: listener?.port ?? config.smtpPort ?? null,
      recipients: listener?.recipients ?? parseRecipientList(config.smtpRecipients),
      tls: listener?.tls ?? Boolean(config.smtpTlsCert && config.smtpTlsKey),
      maxBytes: config.smtpMaxBytes,
    },
    outbox: await outboxCounts(deps.db),
    updatedBy: stored.updatedBy,
    updatedAt: iso(stored.updatedAt),
  };
}

/**
 * Stores an admin's change. A section left out keeps what is stored; null resets it to the
 * environment. Passwords left out are kept (from what is in force, stored or environment).
 */
export async function updateMailSettings(
  deps: Deps,
  adminId: string | null,
  input: MailSettingsInput,
): Promise<MailSettingsView> {
  const current = await loadMailSettings(deps);
  const { stored } = current;
  let outbound = stored.outbound;
  if (input.outbound !== undefined) outbound = input.outbound ? smtpToStore(input.outbound, current) : null;
  let mailFrom = stored.mailFrom;
  if (input.from !== undefined) {
    if (input.from !== null && !parseMailFrom(input.from))
      throw invalid('mail.bad_from', `From: not one email address: ${input.from}`, { field: 'from' });
    mailFrom = input.from;
  }
  let mailboxes = stored.imapMailboxes;
  if (input.imapMailboxes !== undefined)
    mailboxes = input.imapMailboxes ? mailboxesToStore(input.imapMailboxes, current) : null;
  await saveMailSettings(deps.db, {
    outbound,
    mailFrom,
    imapMailboxes: mailboxes,
    updatedBy: adminId,
    now: deps.clock.now(),
  });
  await notifyMailSettingsChanged(deps.db);
  return mailSettingsView(deps);
}

function smtpToStore(
  input: NonNullable<MailSettingsInput['outbound']>,
  current: EffectiveMailSettings,
): StoredSmtp {
  const user = input.user?.trim() ? input.user.trim() : null;
  const password = input.password === undefined ? (current.outbound.smtp?.password ?? null) : input.password;
  if (password && !user)
    throw invalid('mail.password_without_user', 'An SMTP password needs a user name', { field: 'user' });
  return {
    host: input.host,
    port: input.port ?? defaultSmtpPort(input.tls),
    tls: input.tls,
    user,
    password: user ? password : null,
  };
}

function mailboxesToStore(
  input: NonNullable<MailSettingsInput['imapMailboxes']>,
  current: EffectiveMailSettings,
): StoredMailbox[] {
  const existing = new Map(current.mailboxes.map((m) => [m.id, m]));
  const out: StoredMailbox[] = input.map((m, index) => {
    const before = m.id ? existing.get(m.id) : undefined;
    const password = m.password ?? before?.password;
    if (!password)
      throw invalid('mail.mailbox_password', `Mailbox ${index + 1} (${m.user}) needs a password`, {
        field: `imapMailboxes.${index}.password`,
      });
    return {
      id: before && !before.id.startsWith('env:') ? before.id : randomUUID(),
      enabled: m.enabled,
      name: m.name?.trim() ? m.name.trim() : null,
      host: m.host,
      port: m.port ?? (m.tls ? 993 : 143),
      tls: m.tls,
      user: m.user,
      password,
      mailbox: m.mailbox,
      afterProcessing: m.afterProcessing,
      moveTo: m.afterProcessing === 'move' ? (m.moveTo ?? null) : null,
    };
  });
  const keys = out.map((m) => `${m.user}@${m.host}:${m.port}/${m.mailbox}`);
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
  if (duplicate) throw invalid('mail.duplicate_mailbox', `The mailbox ${duplicate} is listed twice`);
  return out;
}

/** Sends one short message straight through the SMTP server in force (not the outbox) and reports. */
export async function sendTestMail(
  deps: Deps,
  to: string,
): Promise<{ sent: boolean; server: string; response: string | null; error: string | null }> {
  const recipients = parseRecipients([to], 'to');
  const recipient = recipients[0];
  if (recipients.length !== 1 || !recipient?.address)
    throw invalid('mail.bad_recipient', 'Give one address to send the test mail to');
  const { outbound } = await loadMailSettings(deps);
  if (!outbound.smtp) throw invalid('mail.no_smtp', 'No SMTP server is configured');
  const transport = createSmtpTransport(outbound.smtp);
  const raw = await new MailComposer({
    from: { name: outbound.from.name ?? 'CaseDesk', address: outbound.from.address },
    to: recipient.address,
    subject: 'CaseDesk test mail',
    text: `This is a test mail from CaseDesk, sent through ${transport.describe} at ${deps.clock.now().toISOString()}.\n`,
    messageId: newMessageId(randomUUID(), outbound.messageIdDomain),
    date: deps.clock.now(),
    headers: { 'Auto-Submitted': 'auto-generated' },
  })
    .compile()
    .build();
  try {
    const result = await transport.send(
      { from: outbound.from.address, to: [recipient.address] },
      raw,
      () => undefined,
    );
    const refused = result.rejected.length ? `refused: ${result.rejected.join(', ')}` : null;
    return { sent: refused === null, server: transport.describe, response: result.response, error: refused };
  } catch (err) {
    return {
      sent: false,
      server: transport.describe,
      response: null,
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    transport.close();
  }
}
