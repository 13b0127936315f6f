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

/** Reads the outbound-mail part of the configuration (pure). */
export function outboundSettings(config: Config): OutboundSettings {
  let from: EmailAddress | undefined;
  if (config.mailFrom) {
    try {
      from = parseRecipients([config.mailFrom], 'CASEDESK_MAIL_FROM')[0];
    } catch {
      from = undefined;
    }
    if (!from)
      throw new DomainError('config.invalid', `CASEDESK_MAIL_FROM: not an email address: ${config.mailFrom}`);
  }
  const publicHost = config.publicUrl ? new URL(config.publicUrl).hostname : null;
  const fromDomain = from?.address?.split('@')[1] ?? null;
  const messageIdDomain = config.mailDomain ?? fromDomain ?? publicHost ?? 'casedesk.localhost';
  const address = from?.address ?? `casedesk@${messageIdDomain}`;
  const smtp: SmtpSettings | null = config.smtpOutHost
    ? {
        host: config.smtpOutHost,
        port: config.smtpOutPort ?? (config.smtpOutTls === 'tls' ? 465 : 587),
        tls: config.smtpOutTls,
        user: config.smtpOutUser ?? null,
        password: config.smtpOutPassword ?? null,
      }
    : null;
  return { from: { name: from?.name ?? null, address }, messageIdDomain, locale: config.mailLocale, smtp };
}
