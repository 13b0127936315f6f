import { resolve } from 'node:path';
import { z } from 'zod';
import { DomainError } from './errors.js';

/**
 * All configuration, read once at start from the environment and CLI flags (flags win).
 * Every bad value is reported with its variable name; nothing is read from the environment elsewhere.
 */
const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  /** PostgreSQL connection string; when absent CaseDesk runs on embedded PGlite under dataDir. */
  databaseUrl: z.string().url().optional(),
  dataDir: z.string().min(1).default('./data'),
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(3000),
  /** Prefix of tracking tokens, e.g. CMIT gives CMIT:0001334. */
  trackingPrefix: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be 2–10 capital letters or digits, starting with a letter')
    .default('CD'),
  /** Public URL people use to reach this server (links in mail, first-start hint). */
  publicUrl: z.string().url().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  sessionDays: z.coerce.number().int().min(1).max(365).default(14),
  /** Inbound SMTP listener port; off when unset (so `npm start` needs no mail setup). */
  smtpPort: port.optional(),
  /** Address the SMTP listener binds to; default the HTTP host. */
  smtpHost: z.string().min(1).optional(),
  /** Comma-separated recipient addresses (or `@domain`) the listener accepts; empty accepts any. */
  smtpRecipients: z.string().default(''),
  /** Largest inbound message in bytes (default 25 MB). */
  smtpMaxBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  /** PEM certificate and key files; when both are set, the listener offers STARTTLS. */
  smtpTlsCert: z.string().min(1).optional(),
  smtpTlsKey: z.string().min(1).optional(),
  /** IMAP mailboxes to poll: a JSON array, or the path of a JSON file holding one. */
  imapMailboxes: z.string().optional(),
  /** Seconds between IMAP polls when the server offers no IDLE (also a safety net with IDLE). */
  imapPollSeconds: z.coerce.number().int().min(5).max(86_400).default(60),
  /** Days after closing during which a customer's reply reopens a case (later: a linked new case). */
  reopenWindowDays: z.coerce.number().min(0).max(3650).default(14),
  /** Largest file one upload may carry, in bytes (default 20 GB). */
  uploadMaxBytes: z.coerce
    .number()
    .int()
    .min(1)
    .default(20 * 1024 ** 3),
  /** Days an upload workspace stays open unless given otherwise. */
  uploadWorkspaceDays: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days uploaded files are kept after their case closes, then purged. */
  uploadRetentionDays: z.coerce.number().int().min(0).max(36500).default(90),
  /** Hours after its last byte a partial upload is swept. */
  uploadStaleHours: z.coerce.number().min(0.01).max(8760).default(24),
  /** Outbound SMTP server (relay) for replies; without it mail waits in the outbox. */
  smtpOutHost: z.string().min(1).optional(),
  /** Its port; default 465 with `tls`, else 587. */
  smtpOutPort: port.optional(),
  /** `tls` (implicit TLS), `starttls` (required), `opportunistic` (STARTTLS when offered), `none`. */
  smtpOutTls: z.enum(['tls', 'starttls', 'opportunistic', 'none']).default('starttls'),
  smtpOutUser: z.string().min(1).optional(),
  smtpOutPassword: z.string().min(1).optional(),
  /** From address of outgoing mail, e.g. `Support <support@vendor.com>`; engineers' names are shown with it. */
  mailFrom: z.string().min(3).optional(),
  /** Domain of generated Message-IDs; default the From address's domain. */
  mailDomain: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'must be a domain name')
    .optional(),
  /** Language of the case label in subjects (案例号 / Case). */
  mailLocale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  /** Seconds between SLA scans (reminders, breaches, stored due times). */
  slaScanSeconds: z.coerce.number().int().min(5).max(3600).default(60),
});

export type Config = z.infer<typeof configSchema>;

/** Environment variable behind each setting, for error messages and the README. */
export const envNames: Record<keyof Config, string> = {
  databaseUrl: 'DATABASE_URL',
  dataDir: 'CASEDESK_DATA_DIR',
  host: 'CASEDESK_HOST',
  port: 'CASEDESK_PORT',
  trackingPrefix: 'CASEDESK_TRACKING_PREFIX',
  publicUrl: 'CASEDESK_PUBLIC_URL',
  logLevel: 'CASEDESK_LOG_LEVEL',
  sessionDays: 'CASEDESK_SESSION_DAYS',
  smtpPort: 'CASEDESK_SMTP_PORT',
  smtpHost: 'CASEDESK_SMTP_HOST',
  smtpRecipients: 'CASEDESK_SMTP_RECIPIENTS',
  smtpMaxBytes: 'CASEDESK_SMTP_MAX_BYTES',
  smtpTlsCert: 'CASEDESK_SMTP_TLS_CERT',
  smtpTlsKey: 'CASEDESK_SMTP_TLS_KEY',
  imapMailboxes: 'CASEDESK_IMAP_MAILBOXES',
  imapPollSeconds: 'CASEDESK_IMAP_POLL_SECONDS',
  reopenWindowDays: 'CASEDESK_REOPEN_DAYS',
  uploadMaxBytes: 'CASEDESK_UPLOAD_MAX_BYTES',
  uploadWorkspaceDays: 'CASEDESK_UPLOAD_WORKSPACE_DAYS',
  uploadRetentionDays: 'CASEDESK_UPLOAD_RETENTION_DAYS',
  uploadStaleHours: 'CASEDESK_UPLOAD_STALE_HOURS',
  smtpOutHost: 'CASEDESK_SMTP_OUT_HOST',
  smtpOutPort: 'CASEDESK_SMTP_OUT_PORT',
  smtpOutTls: 'CASEDESK_SMTP_OUT_TLS',
  smtpOutUser: 'CASEDESK_SMTP_OUT_USER',
  smtpOutPassword: 'CASEDESK_SMTP_OUT_PASSWORD',
  mailFrom: 'CASEDESK_MAIL_FROM',
  mailDomain: 'CASEDESK_MAIL_DOMAIN',
  mailLocale: 'CASEDESK_MAIL_LOCALE',
  slaScanSeconds: 'CASEDESK_SLA_SCAN_SECONDS',
};

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  flags: Partial<Record<keyof Config, unknown>> = {},
): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(envNames)) {
    const value = env[envName];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const [key, value] of Object.entries(flags)) {
    if (value !== undefined) raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const source =
        key in flags && flags[key as keyof Config] !== undefined
          ? `--${kebab(key)}`
          : envNames[key as keyof Config];
      return `${source ?? key}: ${issue.message}`;
    });
    throw new DomainError('config.invalid', `Invalid configuration:\n  ${lines.join('\n  ')}`, 400, {
      problems: lines,
    });
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
