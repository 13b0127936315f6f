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
