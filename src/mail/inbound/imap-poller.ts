import { ImapFlow } from 'imapflow';
import { loadImapCursor, saveImapCursor } from './imap.repo.js';
import { advanceCursor, newUids, planFetch } from './imap-cursor.js';
import type { ImapMailboxConfig } from './imap-mailboxes.js';
import { commitPrepared, type IngestDeps, type IngestOutcome, prepareRaw } from './ingest-pipeline.js';

export type ImapSyncReport = {
  mailbox: string;
  uidValidity: number;
  resync: boolean;
  /** UIDs fetched and stored in this pass. */
  uids: number[];
  outcomes: IngestOutcome[];
  lastUid: number;
};

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

const CHUNK = 50;
const PROCESSED_KEYWORD = '$CaseDesk';

export function imapClient(cfg: ImapMailboxConfig): ImapFlow {
  return new ImapFlow({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.tls,
    auth: { user: cfg.user, pass: cfg.password },
    logger: false,
    // Enter IDLE one second after the last command, so new mail is announced within moments.
    autoIdleDelay: 1000,
  });
}

/**
 * One pass over a mailbox: fetch every message after the cursor, store them, THEN acknowledge them
 * on the server (flag or move) and advance the persisted cursor. A crash between storing and
 * acknowledging only means the next pass fetches them again, and dedupe stores nothing twice.
 */
export async function syncMailbox(
  client: ImapFlow,
  deps: IngestDeps,
  cfg: ImapMailboxConfig,
): Promise<ImapSyncReport> {
  const lock = await client.getMailboxLock(cfg.mailbox);
  try {
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error(`mailbox ${cfg.mailbox} could not be opened`);
    const uidValidity = Number(mailbox.uidValidity);
    const plan = planFetch(await loadImapCursor(deps.db, cfg.key), uidValidity);
    let cursor = plan.cursor;
    if (plan.resync) await saveImapCursor(deps.db, cfg.key, cursor, deps.clock.now());
    const report: ImapSyncReport = {
      mailbox: cfg.label,
      uidValidity,
      resync: plan.resync,
      uids: [],
      outcomes: [],
      lastUid: cursor.lastUid,
    };
    if (mailbox.exists === 0) return report;
    const found = await client.search({ uid: `${plan.fromUid}:*` }, { uid: true });
    const uids = newUids(cursor, found || []);
    for (let i = 0; i < uids.length; i += CHUNK) {
      const chunk = uids.slice(i, i + CHUNK);
      // Fetch the whole chunk first: no other command may run inside a FETCH.
      const messages = await client.fetchAll(chunk, { uid: true, source: true }, { uid: true });
      const prepared = [];
      const got: number[] = [];
      for (const m of messages) {
        if (!m.source) continue;
        prepared.push(await prepareRaw(deps, m.source, `imap:${cfg.label}`));
        got.push(m.uid);
      }
      report.outcomes.push(...(await commitPrepared(deps, prepared)));
      await acknowledge(client, cfg, got);
      cursor = advanceCursor(cursor, chunk);
      await saveImapCursor(deps.db, cfg.key, cursor, deps.clock.now());
      report.uids.push(...got);
    }
    report.lastUid = cursor.lastUid;
    return report;
  } finally {
    lock.release();
  }
}

async function acknowledge(client: ImapFlow, cfg: ImapMailboxConfig, uids: number[]): Promise<void> {
  if (uids.length === 0) return;
  if (cfg.afterProcessing === 'move' && cfg.moveTo) {
    await client.messageMove(uids, cfg.moveTo, { uid: true });
    return;
  }
  const ok = await client
    .messageFlagsAdd(uids, ['\\Seen', PROCESSED_KEYWORD], { uid: true })
    .catch(() => false);
  // A server without custom keywords still takes \Seen.
  if (!ok) await client.messageFlagsAdd(uids, ['\\Seen'], { uid: true });
}

/**
 * Keeps one mailbox in sync while the server runs: syncs on connect, then whenever the server
 * announces new mail (IMAP IDLE, which imapflow enters by itself when the server offers it) and
 * every `pollMs` in any case; reconnects with backoff after errors.
 */
export function startImapPoller(
  deps: IngestDeps,
  cfg: ImapMailboxConfig,
  options: {
    pollMs: number;
    log?: Log;
    onSynced?: (report: ImapSyncReport) => void;
    /** A connection or sync failure (the poller retries by itself). */
    onError?: (message: string) => void;
  },
): { stop: () => Promise<void> } {
  let stopped = false;
  let client: ImapFlow | null = null;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      client = imapClient(cfg);
      client.on('error', (err: Error) => options.log?.('warn', `IMAP ${cfg.label}: ${err.message}`));
      client.on('exists', () => wake?.());
      client.on('close', () => wake?.());
      try {
        await client.connect();
        if (cfg.afterProcessing === 'move' && cfg.moveTo)
          await client.mailboxCreate(cfg.moveTo).catch(() => undefined);
        while (!stopped && client.usable) {
          const report = await syncMailbox(client, deps, cfg);
          failures = 0;
          if (report.uids.length > 0)
            options.log?.('info', `IMAP ${cfg.label}: stored ${report.uids.length} messages`);
          options.onSynced?.(report);
          if (!stopped) await sleep(options.pollMs);
        }
      } catch (err) {
        failures++;
        const message = err instanceof Error ? err.message : String(err);
        options.log?.('warn', `IMAP ${cfg.label} failed; retrying`, { err: message });
        if (!stopped) options.onError?.(message);
        if (!stopped) await sleep(Math.min(60_000, 1000 * 2 ** Math.min(failures, 6)));
      } finally {
        const c = client;
        client = null;
        await c?.logout().catch(() => c.close());
      }
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await client?.logout().catch(() => undefined);
      await running;
    },
  };
}
