import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';

export type Notification = {
  id: string;
  kind: string;
  message: string;
  caseNumber: string | null;
  createdAt: string;
  readAt: string | null;
};

/**
 * Records an in-app notification for an engineer. With a dedupe key the same notice is recorded
 * once (reminders and breach alerts must not repeat across restarts or servers); returns whether
 * it was new.
 */
export async function notify(
  db: Kysely<DB>,
  input: { engineerId: string; caseId?: string | null; kind: string; message: string; dedupeKey?: string },
): Promise<boolean> {
  const row = await db
    .insertInto('notifications')
    .values({
      engineer_id: input.engineerId,
      case_id: input.caseId ?? null,
      kind: input.kind,
      message: input.message,
      dedupe_key: input.dedupeKey ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export type NewNotice = {
  engineerId: string;
  caseId: string | null;
  kind: string;
  message: string;
  dedupeKey: string;
};

/** Records many notifications in one statement; returns the dedupe keys of those that were new. */
export async function notifyMany(db: Kysely<DB>, notices: NewNotice[]): Promise<Set<string>> {
  if (notices.length === 0) return new Set();
  const col = <K extends keyof NewNotice>(k: K) => notices.map((n) => n[k]);
  const { rows } = await sql<{ dedupe_key: string }>`
    insert into notifications (engineer_id, case_id, kind, message, dedupe_key)
    select * from unnest(${col('engineerId')}::uuid[], ${col('caseId')}::uuid[], ${col('kind')}::text[],
      ${col('message')}::text[], ${col('dedupeKey')}::text[])
    on conflict do nothing
    returning dedupe_key`.execute(db);
  return new Set(rows.map((r) => r.dedupe_key));
}

export async function listNotifications(
  db: Kysely<DB>,
  engineerId: string,
  options: { unreadOnly: boolean; limit: number },
): Promise<Notification[]> {
  let q = db
    .selectFrom('notifications')
    .leftJoin('cases', 'cases.id', 'notifications.case_id')
    .select([
      'notifications.id',
      'notifications.kind',
      'notifications.message',
      'cases.number as case_number',
      'notifications.created_at',
      'notifications.read_at',
    ])
    .where('notifications.engineer_id', '=', engineerId);
  if (options.unreadOnly) q = q.where('notifications.read_at', 'is', null);
  const rows = await q.orderBy('notifications.created_at', 'desc').limit(options.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    message: r.message,
    caseNumber: r.case_number,
    createdAt: r.created_at.toISOString(),
    readAt: r.read_at ? r.read_at.toISOString() : null,
  }));
}

export async function markRead(db: Kysely<DB>, engineerId: string, id: string, now: Date): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('id', '=', id)
    .where('engineer_id', '=', engineerId)
    .where('read_at', 'is', null)
    .execute();
}
