import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ensureAccount, ensureContactByName } from '../accounts/accounts.repo.js';
import { ensureEngineer } from '../auth/engineers.repo.js';
import { addParticipant, insertCase } from '../cases/cases.repo.js';
import { type Actor, insertTimelineEntries, type NewTimelineEntry } from '../cases/timeline.repo.js';
import { parseSubject } from '../mail/subject.js';
import type { DB } from '../platform/db/db.js';
import { decodeText } from './decode-text.js';
import { type ArchiveMessage, parseThreadArchive } from './thread-format.js';

export type ImportThreadDeps = { db: Kysely<DB>; trackingPrefix: string };

export type ImportThreadResult = {
  file: string;
  caseNumber: string;
  title: string;
  priority: string;
  account: string | null;
  stage: string;
  trackingToken: string;
  messages: number;
  owner: string | null;
  created: boolean;
  /** Why nothing was created, when `created` is false. */
  reason?: string;
  encoding: 'utf-8' | 'gb18030';
};

/**
 * Imports one thread archive as one case (the seed's format; see thread-format.ts).
 *
 * - Every message becomes an email activity with its sender, time (to the microsecond) and body as written.
 * - Senders named in `engineers`, or matching an existing engineer, are engineers; others are contacts of
 *   the account. The first engineer to write owns the case; each time a different engineer takes over the
 *   writing, an ownership transfer is recorded at that message.
 * - All or nothing: a bad file throws (naming file and line) before anything is stored, and the whole
 *   case is written in one transaction.
 * - A file already imported (same bytes), or a case number that already exists, creates nothing.
 */
export async function importThread(
  deps: ImportThreadDeps,
  input: { fileName: string; bytes: Uint8Array; engineers: string[] },
): Promise<ImportThreadResult> {
  const { text, encoding } = decodeText(input.bytes, input.fileName);
  const archive = parseThreadArchive(text, input.fileName);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const subject = parseSubject(archive.subject, { tokenPrefixes: [deps.trackingPrefix] });
  const title = subject.title ?? subject.rest;
  const base = {
    file: input.fileName,
    title,
    priority: subject.priority ?? 'P3',
    account: subject.account ?? null,
    stage: subject.stage ?? '',
    messages: archive.messages.length,
    encoding,
  };

  return deps.db.transaction().execute(async (trx) => {
    // One look-up for both reasons to create nothing: these bytes were imported, or the number exists.
    const existing = await trx
      .selectFrom('cases')
      .leftJoin('archive_imports', 'archive_imports.case_id', 'cases.id')
      .leftJoin('engineers', 'engineers.id', 'cases.owner_id')
      .select(['cases.number', 'cases.tracking_token', 'engineers.name as owner', 'archive_imports.sha256'])
      .where((eb) =>
        subject.caseNumber
          ? eb.or([eb('archive_imports.sha256', '=', sha256), eb('cases.number', '=', subject.caseNumber)])
          : eb('archive_imports.sha256', '=', sha256),
      )
      .orderBy('archive_imports.sha256')
      .executeTakeFirst();
    if (existing) {
      return {
        ...base,
        caseNumber: existing.number,
        trackingToken: existing.tracking_token,
        owner: existing.owner,
        created: false,
        reason:
          existing.sha256 === sha256
            ? `already imported as ${existing.number}`
            : `case ${existing.number} already exists`,
      };
    }

    const account = subject.account ? await ensureAccount(trx, subject.account) : null;
    const senders = [...new Set(archive.messages.map((m) => m.sender))];
    const engineerIds = new Map<string, string>(
      (await trx.selectFrom('engineers').select(['id', 'name']).where('name', 'in', senders).execute()).map(
        (e) => [e.name, e.id],
      ),
    );
    for (const name of input.engineers) {
      if (senders.includes(name) && !engineerIds.has(name))
        engineerIds.set(name, (await ensureEngineer(trx, name)).id);
    }

    const first = archive.messages[0];
    const last = archive.messages.at(-1);
    const engineerMessages = archive.messages.filter((m) => engineerIds.has(m.sender));
    // The last engineer to write holds the case once the history is replayed.
    const lastEngineer = engineerMessages.at(-1)?.sender ?? null;
    const firstResponse = engineerMessages.find((m) => hasContent(m));
    const created = await insertCase(trx, {
      trackingPrefix: deps.trackingPrefix,
      ...(subject.caseNumber ? { number: subject.caseNumber } : {}),
      ...(subject.trackingToken ? { trackingToken: subject.trackingToken } : {}),
      title,
      accountId: account?.id ?? null,
      priority: subject.priority ?? 'P3',
      status: firstResponse ? 'in_progress' : 'new',
      stage: subject.stage ?? '',
      ownerId: lastEngineer ? (engineerIds.get(lastEngineer) ?? null) : null,
      // Text keeps the microseconds as written; Postgres reads the archive's time format directly.
      openedAt: first?.sentAtText ?? new Date(),
      updatedAt: last?.sentAtText ?? new Date(),
      firstResponseAt: firstResponse?.sentAtText ?? null,
    });

    let owner: { id: string; name: string } | null = null;
    const entries: NewTimelineEntry[] = [];
    const contactIds = new Map<string, string>();
    for (const message of archive.messages) {
      const engineerId = engineerIds.get(message.sender);
      let actor: Actor;
      if (engineerId) {
        actor = { type: 'engineer', id: engineerId, name: message.sender };
        if (owner && owner.id !== engineerId) {
          entries.push({
            caseId: created.id,
            type: 'transfer',
            actor,
            occurredAt: message.sentAtText,
            payload: {
              from: owner,
              to: { id: engineerId, name: message.sender },
              note: `${message.sender} took over the thread (message ${message.index} of the imported archive)`,
            },
          });
        }
        owner = { id: engineerId, name: message.sender };
      } else {
        let contactId = contactIds.get(message.sender);
        if (!contactId) {
          contactId = await ensureContactByName(trx, account?.id ?? null, message.sender);
          await addParticipant(trx, created.id, contactId, account ? 'customer' : 'third_party');
          contactIds.set(message.sender, contactId);
        }
        actor = { type: 'contact', id: contactId, name: message.sender };
      }
      entries.push({
        caseId: created.id,
        type: 'email',
        actor,
        occurredAt: message.sentAtText,
        email: {
          direction: engineerId ? 'outbound' : 'inbound',
          from: { name: message.sender, address: null },
          to: [],
          cc: [],
          subject: archive.subject,
          text: message.body,
          html: null,
          sentAt: message.sentAtText,
          messageId: null,
          inReplyTo: null,
          references: [],
          attachments: [],
        },
      });
    }
    await insertTimelineEntries(trx, entries);
    await trx
      .insertInto('archive_imports')
      .values({ sha256, case_id: created.id, file_name: input.fileName })
      .execute();

    return {
      ...base,
      caseNumber: created.number,
      trackingToken: created.trackingToken,
      owner: owner?.name ?? null,
      created: true,
    };
  });
}

/** A message "with content": anything but whitespace (the seed's first message is empty). */
export function hasContent(message: Pick<ArchiveMessage, 'body'>): boolean {
  return message.body.trim().length > 0;
}
