import { extractEmailFacts, queueAttachmentTriage } from '../facts/fact-scans.js';
import { triageFileJob } from '../facts/triage-file.job.js';
import type { PeriodicTask } from '../main.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import type { JobDefinition } from '../platform/jobs/jobs.js';
import { purgeExpiredUploads, sweepStaleUploads } from './upload-tasks.js';

/** Background jobs of uploads and triage: one triage run per stored file. */
export function uploadJobs(deps: AppDeps): JobDefinition<unknown>[] {
  return [triageFileJob(deps) as JobDefinition<unknown>];
}

/**
 * Timers: sweep stale partial uploads (every 10 min), purge files of long-closed cases (hourly),
 * extract facts from new emails and queue triage of new email attachments (every 30 s).
 */
export function uploadPeriodicTasks(deps: AppDeps): PeriodicTask[] {
  return [
    { name: 'uploads.sweep', everyMs: 10 * 60_000, run: async () => void (await sweepStaleUploads(deps)) },
    { name: 'uploads.purge', everyMs: 60 * 60_000, run: async () => void (await purgeExpiredUploads(deps)) },
    { name: 'facts.emails', everyMs: 30_000, run: async () => void (await extractEmailFacts(deps)) },
    {
      name: 'triage.attachments',
      everyMs: 30_000,
      run: async () => void (await queueAttachmentTriage(deps)),
    },
  ];
}
