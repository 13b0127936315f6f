import type { Config } from '../../platform/config.js';
import type { EmailAddress } from '../../platform/db/schema.js';
import { DomainError } from '../../platform/errors.js';
import type { SubjectLocale } from '../subject.js';
import { parseRecipients } from './message-headers.js';

/** SMTP relay settings; `tls`: implicit TLS, `starttls`: STARTTLS required, `opportunistic`: when offered. */
export type SmtpSettings = {
  host: string;
  port: number;
  tls: 'tls' | 'starttls' | 'opportunistic' | 'none';
  user: string | null;
  password: string | null;
};

export type OutboundSettings = {
  /** Address mail is sent from (envelope and header); engineers' names are shown with it. */
  from: EmailAddress & { address: string };
  /** Right-hand side of generated Message-IDs. */
  messageIdDomain: string;
  locale: SubjectLocale;
  /** Null when no SMTP server is configured: mail then waits in the outbox. */
  smtp: SmtpSettings | null;
};

/** Values an admin stored in the database (src/mail/settings); each wins over its environment variable. */
export type OutboundOverrides = { mailFrom?: string | null; smtp?: SmtpSettings | null };

/**
 * Reads the outbound-mail part of the configuration (pure). Stored overrides win over the
 * environment; a section left null or out falls back to it.
 */
export function outboundSettings(config: Config, overrides: OutboundOverrides = {}): OutboundSettings {
  const mailFrom = overrides.mailFrom ?? config.mailFrom;
  let from: EmailAddress | undefined;
  if (mailFrom) {
    from = parseMailFrom(mailFrom);
    if (!from)
      throw new DomainError('config.invalid', `CASEDESK_MAIL_FROM: not an email address: ${mailFrom}`);
  }
  const publicHost = config.publicUrl ? new URL(config.publicUrl).hostname : null;
  const fromDomain = from?.address?.split('@')[1] ?? null;
  const messageIdDomain = config.mailDomain ?? fromDomain ?? publicHost ?? 'casedesk.localhost';
  const address = from?.address ?? `casedesk@${messageIdDomain}`;
  const smtp = overrides.smtp ?? environmentSmtp(config);
  return { from: { name: from?.name ?? null, address }, messageIdDomain, locale: config.mailLocale, smtp };
}

/** `Support <support@vendor.com>` or a bare address; undefined when it is not one address. */
export function parseMailFrom(value: string): EmailAddress | undefined {
  try {
    const parsed = parseRecipients([value], 'from');
    return parsed.length === 1 && parsed[0]?.address ? parsed[0] : undefined;
  } catch {
    return undefined;
  }
}

export function environmentSmtp(config: Config): SmtpSettings | null {
  return config.smtpOutHost
    ? {
        host: config.smtpOutHost,
        port: config.smtpOutPort ?? defaultSmtpPort(config.smtpOutTls),
        tls: config.smtpOutTls,
        user: config.smtpOutUser ?? null,
        password: config.smtpOutPassword ?? null,
      }
    : null;
}

export const defaultSmtpPort = (tls: SmtpSettings['tls']): number => (tls === 'tls' ? 465 : 587);
