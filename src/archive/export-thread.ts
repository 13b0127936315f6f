import type { Kysely } from 'kysely';
import { getCase } from '../cases/cases.repo.js';
import { listTimeline } from '../cases/timeline.repo.js';
import type { DB } from '../platform/db/db.js';
import { notFound } from '../platform/errors.js';
import { serializeThreadArchive } from './thread-format.js';
import { formatArchiveTime } from './thread-format-time.js';

/**
 * Writes a case's mail thread in the archive format. The subject line is the subject of the case's
 * latest email; senders are shown by name (address when there is no name); times in UTC to the microsecond.
 */
export async function exportThread(deps: { db: Kysely<DB> }, caseNumber: string): Promise<string> {
  const found = await getCase(deps.db, caseNumber);
  const emails = (await listTimeline(deps.db, found.id)).flatMap((a) =>
    a.email ? [{ ...a, email: a.email }] : [],
  );
  const latest = emails.at(-1);
  if (!latest) throw notFound('archive.no_mail', `Case ${caseNumber} has no mail to export`, { caseNumber });
  return serializeThreadArchive({
    subject: latest.email.subject,
    messages: emails.map((a) => ({
      sender: a.email.from.name ?? a.email.from.address ?? a.actor.name,
      sentAtText: formatArchiveTime(a.email.sentAt ?? a.occurredAt),
      body: a.email.text,
    })),
  });
}
