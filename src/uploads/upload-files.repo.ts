import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { UploadFileStatus } from './uploads.tables.js';

type Db = Kysely<DB>;

export type UploadFile = {
  id: string;
  workspaceId: string;
  caseId: string;
  user: string;
  fileName: string;
  contentType: string;
  size: number;
  status: UploadFileStatus;
  sha256: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
};

function fileQuery(db: Db) {
  return db
    .selectFrom('upload_files as f')
    .innerJoin('upload_workspaces as w', 'w.id', 'f.workspace_id')
    .select([
      'f.id',
      'f.workspace_id',
      'f.case_id',
      'w.user_name',
      'f.file_name',
      'f.content_type',
      'f.size',
      'f.status',
      'f.sha256',
      'f.created_at',
      'f.updated_at',
      'f.completed_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof fileQuery>['executeTakeFirstOrThrow']>>;

const toFile = (r: Row): UploadFile => ({
  id: r.id,
  workspaceId: r.workspace_id,
  caseId: r.case_id,
  user: r.user_name,
  fileName: r.file_name,
  contentType: r.content_type,
  size: Number(r.size),
  status: r.status,
  sha256: r.sha256,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  completedAt: r.completed_at,
});

export async function insertUploadFile(
  db: Db,
  input: {
    id: string;
    workspaceId: string;
    caseId: string;
    fileName: string;
    contentType: string;
    size: number;
    now: Date;
  },
): Promise<void> {
  await db
    .insertInto('upload_files')
    .values({
      id: input.id,
      workspace_id: input.workspaceId,
      case_id: input.caseId,
      file_name: input.fileName,
      content_type: input.contentType,
      size: input.size,
      created_at: input.now,
      updated_at: input.now,
    })
    .execute();
}

export async function findUploadFile(db: Db, id: string): Promise<UploadFile | null> {
  const row = await fileQuery(db).where('f.id', '=', id).executeTakeFirst();
  return row ? toFile(row) : null;
}

export async function touchUploadFile(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('upload_files').set({ updated_at: now }).where('id', '=', id).execute();
}

/** Marks an upload complete; false if it already was (another request finished it first). */
export async function markUploadComplete(
  db: Db,
  input: { id: string; sha256: string; activityId: string; now: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('upload_files')
    .set({ status: 'complete', sha256: input.sha256, activity_id: input.activityId, completed_at: input.now })
    .where('id', '=', input.id)
    .where('status', '=', 'partial')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setUploadStatus(
  db: Db,
  id: string,
  status: UploadFileStatus,
  now: Date,
): Promise<void> {
  await db
    .updateTable('upload_files')
    .set({ status, updated_at: now, ...(status === 'purged' ? { purged_at: now } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function listUploadFilesOfWorkspace(db: Db, workspaceId: string): Promise<UploadFile[]> {
  const rows = await fileQuery(db)
    .where('f.workspace_id', '=', workspaceId)
    .orderBy('f.created_at')
    .execute();
  return rows.map(toFile);
}

export async function listUploadFilesOfCase(db: Db, caseId: string): Promise<UploadFile[]> {
  const rows = await fileQuery(db).where('f.case_id', '=', caseId).orderBy('f.created_at').execute();
  return rows.map(toFile);
}

/** Partial uploads with no byte received since `before`. */
export async function listStalePartials(db: Db, before: Date, limit = 200): Promise<UploadFile[]> {
  const rows = await fileQuery(db)
    .where('f.status', '=', 'partial')
    .where('f.updated_at', '<', before)
    .orderBy('f.updated_at')
    .limit(limit)
    .execute();
  return rows.map(toFile);
}

export async function listPartials(db: Db, limit = 500): Promise<UploadFile[]> {
  const rows = await fileQuery(db).where('f.status', '=', 'partial').limit(limit).execute();
  return rows.map(toFile);
}

export async function uploadIdsKnown(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('upload_files').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function completedSizeOf(db: Db, id: string): Promise<number | null> {
  const row = await db
    .selectFrom('upload_files')
    .select('size')
    .where('id', '=', id)
    .where('status', '=', 'complete')
    .executeTakeFirst();
  return row ? Number(row.size) : null;
}

/** Complete files of cases closed before `closedBefore`: due for purging. */
export async function listFilesDueForPurge(db: Db, closedBefore: Date, limit = 200): Promise<UploadFile[]> {
  const rows = await fileQuery(db)
    .innerJoin('cases', 'cases.id', 'f.case_id')
    .where('f.status', '=', 'complete')
    .where('cases.status', '=', 'closed')
    .where('cases.closed_at', '<', closedBefore)
    .orderBy('f.case_id')
    .limit(limit)
    .execute();
  return rows.map(toFile);
}

/**
 * Whether bytes with this hash are still needed elsewhere (another kept upload, or an email
 * attachment), so purging one upload must not delete the shared, content-addressed blob.
 */
export async function blobStillReferenced(
  db: Db,
  sha256: string,
  exceptUploadIds: string[],
): Promise<boolean> {
  let uploads = db
    .selectFrom('upload_files')
    .select('id')
    .where('sha256', '=', sha256)
    .where('status', '=', 'complete');
  if (exceptUploadIds.length > 0) uploads = uploads.where('id', 'not in', exceptUploadIds);
  if (await uploads.executeTakeFirst()) return true;
  const mail = await sql<{ one: number }>`
    select 1 as one from emails
    where attachments @> ${JSON.stringify([{ sha256 }])}::jsonb
    limit 1`.execute(db);
  return mail.rows.length > 0;
}
