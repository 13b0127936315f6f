import type { AppDeps } from '../../platform/http/app-deps.js';
import type { IngestDeps } from './ingest-pipeline.js';

/** The recipient list of CASEDESK_SMTP_RECIPIENTS: addresses and `@domain`s, lower-case. */
export function parseRecipients(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** Ingestion dependencies of a running CaseDesk, from its configuration. */
export function inboundDeps(deps: AppDeps, extraOwnAddresses: readonly string[] = []): IngestDeps {
  return {
    db: deps.db,
    files: deps.files,
    clock: deps.clock,
    trackingPrefix: deps.config.trackingPrefix,
    reopenWindowMs: deps.config.reopenWindowDays * 24 * 3600 * 1000,
    ownAddresses: [
      ...parseRecipients(deps.config.smtpRecipients).filter((r) => !r.startsWith('@')),
      ...extraOwnAddresses,
    ],
  };
}
