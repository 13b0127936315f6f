import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/db.js';

export type Notification = {
  id: string;
  kind: string;
  message: string;
  caseNumber: string | null;
  createdAt: string;
  readAt: string | null;
};

export type NewNotice = {
  engineerId: string;
  caseId?: string | null;
  kind: string;
  message: string;
  /** Same key, same engineer: recorded once (reminders and breach alerts across restarts or servers). */
  dedupeKey?: string | null;
};

/**
 * Records in-app notifications for engineers in one statement; returns the dedupe keys of those
 * that were new (null for a new one without a key). One with a key already on file is skipped.
 */
export async function notifyMany(db: Kysely<DB>, notices: NewNotice[]): Promise<(string | null)[]> {
  if (notices.length === 0) return [];
  const rows = await db
    .insertInto('notifications')
    .values(
      notices.map((n) => ({
        engineer_id: n.engineerId,
        case_id: n.caseId ?? null,
        kind: n.kind,
        message: n.message,
        dedupe_key: n.dedupeKey ?? null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning('dedupe_key')
    .execute();
  return rows.map((r) => r.dedupe_key);
}

/** Records one in-app notification (see notifyMany); returns whether it was new. */
export async function notify(db: Kysely<DB>, notice: NewNotice): Promise<boolean> {
  return (await notifyMany(db, [notice])).length > 0;
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
