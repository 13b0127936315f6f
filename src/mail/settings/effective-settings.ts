import type { Kysely } from 'kysely';
import type { Config } from '../../platform/config.js';
import type { DB } from '../../platform/db/db.js';
import { type ImapMailboxConfig, parseImapMailboxes, toMailboxConfig } from '../inbound/imap-mailboxes.js';
import { type OutboundSettings, outboundSettings } from '../outbound/mail-settings.js';
import { loadStoredMailSettings, type StoredMailSettings } from './mail-settings.repo.js';

export type SettingSource = 'stored' | 'environment';

export type EffectiveMailbox = ImapMailboxConfig & { id: string; enabled: boolean };

/**
 * The mail settings in force: each section stored by an admin wins; a section never stored (or
 * reset) comes from the environment (CASEDESK_SMTP_OUT_*, CASEDESK_MAIL_FROM, CASEDESK_IMAP_MAILBOXES).
 */
export type EffectiveMailSettings = {
  stored: StoredMailSettings;
  outbound: OutboundSettings;
  mailboxes: EffectiveMailbox[];
  sources: { smtp: SettingSource; from: SettingSource; imap: SettingSource };
};

type Deps = { db: Kysely<DB>; config: Config };

export async function loadMailSettings(deps: Deps): Promise<EffectiveMailSettings> {
  const stored = await loadStoredMailSettings(deps.db);
  const outbound = outboundSettings(deps.config, { mailFrom: stored.mailFrom, smtp: stored.outbound });
  const mailboxes: EffectiveMailbox[] = stored.imapMailboxes
    ? stored.imapMailboxes.map(({ id, enabled, name, moveTo, ...m }) => ({
        ...toMailboxConfig({ ...m, ...(name ? { name } : {}), ...(moveTo ? { moveTo } : {}) }),
        id,
        enabled,
      }))
    : environmentMailboxes(deps.config);
  return {
    stored,
    outbound,
    mailboxes,
    sources: {
      smtp: stored.outbound ? 'stored' : 'environment',
      from: stored.mailFrom ? 'stored' : 'environment',
      imap: stored.imapMailboxes ? 'stored' : 'environment',
    },
  };
}

/** What outgoing mail uses now; read per outbox round and per reply, so changes apply at once. */
export async function loadOutboundSettings(deps: Deps): Promise<OutboundSettings> {
  // Not via loadMailSettings: the outbox asks every second and needs no IMAP mailboxes (a file to read).
  const stored = await loadStoredMailSettings(deps.db);
  return outboundSettings(deps.config, { mailFrom: stored.mailFrom, smtp: stored.outbound });
}

/** Mailboxes from CASEDESK_IMAP_MAILBOXES, with stable ids so an admin can keep their passwords. */
export function environmentMailboxes(config: Config): EffectiveMailbox[] {
  return parseImapMailboxes(config.imapMailboxes).map((m) => ({ ...m, id: `env:${m.key}`, enabled: true }));
}
