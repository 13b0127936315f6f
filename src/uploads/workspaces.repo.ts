import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/db.js';

type Db = Kysely<DB>;

export type WorkspaceRow = {
  id: string;
  caseId: string;
  caseNumber: string;
  userName: string;
  secretHash: string;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
};

function workspaceQuery(db: Db) {
  return db
    .selectFrom('upload_workspaces as w')
    .innerJoin('cases', 'cases.id', 'w.case_id')
    .select([
      'w.id',
      'w.case_id',
      'cases.number as case_number',
      'w.user_name',
      'w.secret_hash',
      'w.created_by',
      'w.created_at',
      'w.expires_at',
      'w.revoked_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof workspaceQuery>['executeTakeFirstOrThrow']>>;

const toWorkspace = (r: Row): WorkspaceRow => ({
  id: r.id,
  caseId: r.case_id,
  caseNumber: r.case_number,
  userName: r.user_name,
  secretHash: r.secret_hash,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export async function userNamesWithPrefix(db: Db, prefix: string): Promise<string[]> {
  const rows = await db
    .selectFrom('upload_workspaces')
    .select('user_name')
    .where('user_name', 'like', `${prefix}%`)
    .execute();
  return rows.map((r) => r.user_name);
}

/** Inserts a workspace; returns null when the user name is taken (a concurrent open), to retry. */
export async function insertWorkspace(
  db: Db,
  input: { caseId: string; userName: string; secretHash: string; createdBy: string | null; expiresAt: Date },
): Promise<string | null> {
  const row = await db
    .insertInto('upload_workspaces')
    .values({
      case_id: input.caseId,
      user_name: input.userName,
      secret_hash: input.secretHash,
      created_by: input.createdBy,
      expires_at: input.expiresAt,
    })
    .onConflict((oc) => oc.column('user_name').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function findWorkspaceByUser(db: Db, userName: string): Promise<WorkspaceRow | null> {
  const row = await workspaceQuery(db).where('w.user_name', '=', userName).executeTakeFirst();
  return row ? toWorkspace(row) : null;
}

export async function findWorkspaceById(db: Db, id: string): Promise<WorkspaceRow | null> {
  const row = await workspaceQuery(db).where('w.id', '=', id).executeTakeFirst();
  return row ? toWorkspace(row) : null;
}

export async function listWorkspacesOfCase(db: Db, caseId: string): Promise<WorkspaceRow[]> {
  const rows = await workspaceQuery(db).where('w.case_id', '=', caseId).orderBy('w.created_at').execute();
  return rows.map(toWorkspace);
}

export async function revokeWorkspaceRow(db: Db, id: string, by: string | null, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('upload_workspaces')
    .set({ revoked_at: now, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  await db.deleteFrom('upload_sessions').where('workspace_id', '=', id).execute();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertUploadSession(
  db: Db,
  input: { id: string; workspaceId: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('upload_sessions')
    .values({ id: input.id, workspace_id: input.workspaceId, expires_at: input.expiresAt })
    .execute();
}

/** The workspace behind a session, if the session is still valid (the workspace is checked by the caller). */
export async function workspaceOfSession(db: Db, sessionId: string, now: Date): Promise<WorkspaceRow | null> {
  const row = await workspaceQuery(db)
    .innerJoin('upload_sessions as s', 's.workspace_id', 'w.id')
    .where('s.id', '=', sessionId)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  return row ? toWorkspace(row) : null;
}

export async function deleteUploadSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('upload_sessions').where('id', '=', sessionId).execute();
}

export async function deleteExpiredUploadSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('upload_sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
