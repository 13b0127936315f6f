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
