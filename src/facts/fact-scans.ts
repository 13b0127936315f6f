import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import type { FileStore } from '../platform/files/file-store.js';
import { extractFacts } from '../triage/facts.js';
import { emailsWithoutFacts, insertFacts, markEmailsProcessed } from './facts.repo.js';
import { emailsWithUnscannedAttachments, markEmailAttachmentsScanned } from './findings.repo.js';
import { enqueueTriage } from './triage-file.job.js';

export type ScanDeps = { db: Kysely<DB>; clock: Clock; files: FileStore };

const SHA256 = /^[0-9a-f]{64}$/;
// An attachment row may be written a moment before its bytes reach the store; wait this long for them.
const ATTACHMENT_GRACE_MS = 3_600_000;

/**
 * Extracts facts from every email not processed yet (subject and text), in batches; the marker
 * table makes each email processed once, whoever wrote it (inbound mail, import, API).
 * Returns how many emails were processed.
 */
export async function extractEmailFacts(
  deps: ScanDeps,
  options: { batch?: number; maxBatches?: number } = {},
): Promise<number> {
  const batch = options.batch ?? 200;
  let total = 0;
  for (let round = 0; round < (options.maxBatches ?? 20); round++) {
    const emails = await emailsWithoutFacts(deps.db, batch);
    if (emails.length === 0) break;
    await deps.db.transaction().execute(async (trx) => {
      for (const mail of emails) {
        await insertFacts(trx, {
          caseId: mail.caseId,
          facts: extractFacts(mail.text),
          source: 'email',
          sourceRef: mail.activityId,
          seenAt: mail.at,
        });
      }
      await markEmailsProcessed(
        trx,
        emails.map((m) => m.activityId),
        deps.clock.now(),
      );
    });
    total += emails.length;
    if (emails.length < batch) break;
  }
  return total;
}

/**
 * Queues triage for the attachments of emails not scanned yet (once per email and hash). An
 * email whose attachment bytes are not in the store yet is looked at again later, for an hour.
 * Returns how many triage jobs were queued.
 */
export async function queueAttachmentTriage(
  deps: ScanDeps,
  options: { batch?: number } = {},
): Promise<number> {
  const emails = await emailsWithUnscannedAttachments(deps.db, options.batch ?? 200);
  const now = deps.clock.now();
  let queued = 0;
  for (const mail of emails) {
    const attachments = mail.attachments.filter((a) => SHA256.test(a.sha256));
    const present = await Promise.all(attachments.map((a) => deps.files.has(a.sha256)));
    const waiting = present.includes(false) && now.getTime() - mail.at.getTime() < ATTACHMENT_GRACE_MS;
    if (waiting) continue;
    const seen = new Set<string>();
    for (const [i, a] of attachments.entries()) {
      if (!present[i] || seen.has(a.sha256)) continue;
      seen.add(a.sha256);
      await enqueueTriage(deps.db, deps.clock, {
        caseId: mail.caseId,
        source: 'email',
        sourceRef: mail.activityId,
        sha256: a.sha256,
        fileName: a.filename || 'attachment',
      });
      queued++;
    }
    await markEmailAttachmentsScanned(deps.db, mail.activityId, now);
  }
  return queued;
}
