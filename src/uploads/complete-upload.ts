import { type Actor, insertActivity } from '../cases/timeline.repo.js';
import { enqueueTriage } from '../facts/triage-file.job.js';
import { DomainError } from '../platform/errors.js';
import type { FileStore } from '../platform/files/file-store.js';
import type { HashingFileStore } from './hashing-file-store.js';
import { findUploadFile, markUploadComplete, type UploadFile } from './upload-files.repo.js';
import type { UploadDeps } from './workspaces.service.js';

export type UploadStoreDeps = UploadDeps & { files: FileStore; store: HashingFileStore };

/** What the customer is shown for a finished file, and engineers see in the file list. */
export type UploadReceipt = {
  id: string;
  fileName: string;
  size: number;
  sha256: string | null;
  status: UploadFile['status'];
  uploadedAt: string | null;
};

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, name: 'CaseDesk' };

export function receiptOf(f: UploadFile): UploadReceipt {
  return {
    id: f.id,
    fileName: f.fileName,
    size: f.size,
    sha256: f.sha256,
    status: f.status,
    uploadedAt: f.completedAt ? f.completedAt.toISOString() : null,
  };
}

/**
 * Finishes an upload whose bytes have all arrived: takes the SHA-256 computed while streaming,
 * moves the file into the file store, puts it on the case timeline (name, size, hash) and queues
 * its triage. Idempotent: a finished upload returns its receipt.
 */
export async function completeUpload(deps: UploadStoreDeps, id: string): Promise<UploadReceipt> {
  const row = await findUploadFile(deps.db, id);
  if (!row) throw new DomainError('upload.not_found', 'No such upload', 404);
  if (row.status === 'complete') return receiptOf(row);
  if (row.status !== 'partial') throw new DomainError('upload.gone', 'This upload was removed', 410);
  const received = await deps.store.receivedBytes(id);
  if (received !== row.size) {
    throw new DomainError('upload.incomplete', `Received ${received ?? 0} of ${row.size} bytes`, 409);
  }
  const sha256 = await deps.store.digest(id, row.size);
  await deps.store.moveInto(deps.files, id, sha256, row.size);
  const now = deps.clock.now();
  await deps.db
    .transaction()
    .execute(async (trx) => {
      const activityId = await insertActivity(trx, {
        caseId: row.caseId,
        type: 'system',
        actor: SYSTEM_ACTOR,
        occurredAt: now,
        payload: {
          kind: 'upload.completed',
          fileName: row.fileName,
          size: row.size,
          sha256,
          uploadId: id,
          user: row.user,
        },
      });
      if (!(await markUploadComplete(trx, { id, sha256, activityId, now }))) {
        throw new DomainError('upload.already_complete', 'Upload finished by another request', 409);
      }
      await enqueueTriage(trx, deps.clock, {
        caseId: row.caseId,
        source: 'upload',
        sourceRef: id,
        sha256,
        fileName: row.fileName,
      });
    })
    .catch(async (err: unknown) => {
      if (err instanceof DomainError && err.code === 'upload.already_complete') return;
      throw err;
    });
  return receiptOf((await findUploadFile(deps.db, id)) as UploadFile);
}
