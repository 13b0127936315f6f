import { readFileSync } from 'node:fs';
import type { AppDeps } from '../../platform/http/app-deps.js';
import { type EffectiveMailbox, loadMailSettings } from '../settings/effective-settings.js';
import { imapStatus, mailRuntime, onMailSettingsChanged } from '../settings/mail-runtime.js';
import { startImapPoller } from './imap-poller.js';
import { inboundDeps, parseRecipients } from './inbound-deps.js';
import { createIngestQueue } from './ingest-queue.js';
import { startSmtpListener } from './smtp-listener.js';

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export type InboundRunning = {
  /** One line per receiver started, for the start-up banner. */
  lines: string[];
  smtpPort: number | null;
  stop: () => Promise<void>;
};

/** How often a server re-reads the stored mailboxes, to follow changes made through another server. */
const RELOAD_MS = 30_000;

/**
 * Starts what `casedesk serve` receives mail with: the SMTP listener (when CASEDESK_SMTP_PORT is
 * set) and one IMAP poller per enabled mailbox (stored by an admin, else CASEDESK_IMAP_MAILBOXES).
 * Both go through the same inbound pipeline. When the mailboxes change, the pollers of changed or
 * removed mailboxes are stopped and new ones started; unchanged ones keep running.
 */
export async function startInbound(
  deps: AppDeps,
  log: Log,
  options: { reloadMs?: number } = {},
): Promise<InboundRunning> {
  const config = deps.config;
  const runtime = mailRuntime(deps.db);
  const initial = (await loadMailSettings(deps)).mailboxes.filter((m) => m.enabled);
  const lines: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  let smtpPort: number | null = null;

  if (config.smtpPort !== undefined) {
    if (Boolean(config.smtpTlsCert) !== Boolean(config.smtpTlsKey)) {
      throw new Error('CASEDESK_SMTP_TLS_CERT and CASEDESK_SMTP_TLS_KEY must be set together');
    }
    const tls =
      config.smtpTlsCert && config.smtpTlsKey
        ? { cert: readFileSync(config.smtpTlsCert), key: readFileSync(config.smtpTlsKey) }
        : undefined;
    const recipients = parseRecipients(config.smtpRecipients);
    const ingest = inboundDeps(deps, ownAddresses(initial));
    const host = config.smtpHost ?? config.host;
    // 250 once a message is durably stored; filing onto its case follows (see createIngestQueue).
    const queue = createIngestQueue(ingest, { acknowledge: 'stored' });
    const listener = await startSmtpListener(queue, {
      host,
      port: config.smtpPort,
      recipients,
      maxBytes: config.smtpMaxBytes,
      ...(tls ? { tls } : {}),
      log,
    });
    smtpPort = listener.port;
    runtime.listener = { host, port: listener.port, recipients, tls: Boolean(tls) };
    stops.push(async () => {
      runtime.listener = null;
      await listener.close();
      await queue.close(); // files what was acknowledged; a crash instead leaves it to a recovery sweep
    });
    lines.push(
      `SMTP intake on ${host}:${listener.port}${tls ? ' (STARTTLS)' : ''}, accepting ${recipients.length ? recipients.join(', ') : 'any recipient'}`,
    );
  }

  const pollers = new Map<string, { fingerprint: string; stop: () => Promise<void> }>();
  const apply = async (mailboxes: EffectiveMailbox[]) => {
    const wanted = new Map(mailboxes.filter((m) => m.enabled).map((m) => [m.key, m]));
    for (const [key, running] of pollers) {
      const next = wanted.get(key);
      if (next && JSON.stringify(next) === running.fingerprint) continue;
      pollers.delete(key);
      await running.stop();
      imapStatus(deps.db, key).running = false;
      if (!next) runtime.imap.delete(key);
      log('info', `IMAP poller stopped for ${key}${next ? ' (settings changed)' : ''}`);
    }
    const ingest = inboundDeps(deps, ownAddresses([...wanted.values()]));
    const started: EffectiveMailbox[] = [];
    for (const [key, mailbox] of wanted) {
      if (pollers.has(key)) continue;
      const status = imapStatus(deps.db, key);
      status.running = true;
      status.lastError = null;
      const poller = startImapPoller(ingest, mailbox, {
        pollMs: config.imapPollSeconds * 1000,
        log,
        onSynced: () => {
          status.lastPollAt = deps.clock.now();
          status.lastError = null;
        },
        onError: (message) => {
          status.lastError = message;
          status.lastErrorAt = deps.clock.now();
        },
      });
      pollers.set(key, { fingerprint: JSON.stringify(mailbox), stop: poller.stop });
      started.push(mailbox);
    }
    return started;
  };

  // Reloads run one after another, so two quick changes never start a mailbox's poller twice.
  let chain: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    chain = chain.then(async () => {
      try {
        await apply((await loadMailSettings(deps)).mailboxes);
      } catch (err) {
        log('warn', 'IMAP: could not apply the mail settings', {
          err: err instanceof Error ? err.message : String(err),
        });
      }
    });
    return chain;
  };

  for (const mailbox of await apply(initial)) {
    lines.push(
      `IMAP polling ${mailbox.label} (${mailbox.afterProcessing === 'move' ? `move to ${mailbox.moveTo}` : 'flag'} after storing)`,
    );
  }
  const unsubscribe = onMailSettingsChanged(deps.db, reload);
  const timer = setInterval(() => void reload(), options.reloadMs ?? RELOAD_MS);
  timer.unref();
  return {
    lines,
    smtpPort,
    stop: async () => {
      clearInterval(timer);
      unsubscribe();
      await chain;
      const all = [...pollers.values()].map((p) => p.stop);
      pollers.clear();
      await Promise.all([...all, ...stops].map((s) => s().catch(() => undefined)));
    },
  };
}

/** Mailbox users that are addresses are CaseDesk's own, never case participants. */
function ownAddresses(mailboxes: EffectiveMailbox[]): string[] {
  return mailboxes.map((m) => m.user).filter((u) => u.includes('@'));
}
