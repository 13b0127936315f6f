import { stat } from 'node:fs/promises';
import { insertActivity } from '../cases/timeline.repo.js';
import type { Config } from '../platform/config.js';
import { runExclusive } from '../platform/jobs/jobs.js';
import { completeUpload, SYSTEM_ACTOR, type UploadStoreDeps } from './complete-upload.js';
import { HashingFileStore, tusDirectory } from './hashing-file-store.js';
import {
  blobStillReferenced,
  completedSizeOf,
  listFilesDueForPurge,
  listStalePartials,
  setUploadStatus,
  type UploadFile,
  uploadIdsKnown,
} from './upload-files.repo.js';
import { deleteExpiredUploadSessions } from './workspaces.repo.js';

export type UploadTaskDeps = Omit<UploadStoreDeps, 'store' | 'config'> & {
  config: UploadStoreDeps['config'] & Pick<Config, 'uploadStaleHours' | 'uploadRetentionDays'>;
  store?: HashingFileStore;
};

const PURGE_LOCK = 7_007_001;

function storeOf(deps: UploadTaskDeps): HashingFileStore {
  return deps.store ?? new HashingFileStore(tusDirectory(deps.files), (id) => completedSizeOf(deps.db, id));
}

/**
 * Sweeps partial uploads that received nothing for `uploadStaleHours`: their bytes are deleted and
 * the row marked swept. One whose bytes had all arrived (its finishing step failed) is finished
 * instead. Files on disk that no upload row knows (a crash between the two) go too. Also drops
 * expired upload-page sessions.
 */
export async function sweepStaleUploads(deps: UploadTaskDeps): Promise<{ swept: number; completed: number }> {
  const store = storeOf(deps);
  const storeDeps = { ...deps, store };
  const now = deps.clock.now();
  const before = new Date(now.getTime() - deps.config.uploadStaleHours * 3_600_000);
  let swept = 0;
  let completed = 0;
  for (const file of await listStalePartials(deps.db, before)) {
    if ((await store.receivedBytes(file.id)) === file.size) {
      await completeUpload(storeDeps, file.id);
      completed++;
      continue;
    }
    await store.remove(file.id).catch(() => undefined);
    await setUploadStatus(deps.db, file.id, 'swept', now);
    swept++;
  }
  const onDisk = await store.listIds();
  const known = await uploadIdsKnown(deps.db, onDisk);
  for (const id of onDisk) {
    if (known.has(id)) continue;
    const mtime = (await stat(store.pathOf(id)).catch(() => null))?.mtime;
    if (!mtime || mtime < before) {
      await store.remove(id).catch(() => undefined);
      swept++;
    }
  }
  await deleteExpiredUploadSessions(deps.db, now);
  return { swept, completed };
}

/**
 * Purges the uploaded files of cases closed more than `uploadRetentionDays` ago: the bytes leave
 * the file store (unless the same bytes are still needed elsewhere), the rows are marked purged,
 * and each case's timeline says which files went. One server at a time.
 */
export async function purgeExpiredUploads(deps: UploadTaskDeps): Promise<number> {
  const now = deps.clock.now();
  const closedBefore = new Date(now.getTime() - deps.config.uploadRetentionDays * 86_400_000);
  const purged = await runExclusive(deps.db, PURGE_LOCK, async (trx) => {
    const due = await listFilesDueForPurge(trx, closedBefore);
    const byCase = new Map<string, UploadFile[]>();
    for (const f of due) byCase.set(f.caseId, [...(byCase.get(f.caseId) ?? []), f]);
    const ids = due.map((f) => f.id);
    for (const [caseId, files] of byCase) {
      for (const f of files) {
        await setUploadStatus(trx, f.id, 'purged', now);
        if (f.sha256 && !(await blobStillReferenced(trx, f.sha256, ids))) await deps.files.remove(f.sha256);
      }
      await insertActivity(trx, {
        caseId,
        type: 'system',
        actor: SYSTEM_ACTOR,
        occurredAt: now,
        payload: {
          kind: 'upload.purged',
          retentionDays: deps.config.uploadRetentionDays,
          files: files.map((f) => ({ fileName: f.fileName, size: f.size, sha256: f.sha256 })),
        },
      });
    }
    return due.length;
  });
  return purged ?? 0;
}
