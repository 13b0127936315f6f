import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type Actor, insertActivity } from '../cases/timeline.repo.js';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import { DomainError } from '../platform/errors.js';
import type { FileStore } from '../platform/files/file-store.js';
import { defineJob, enqueueJob, type JobDefinition } from '../platform/jobs/jobs.js';
import { describeErrorCode } from '../triage/error-codes.js';
import { runTriage } from '../triage/run-triage.js';
import type { Finding, TriageFile } from '../triage/triage.types.js';
import { insertFacts } from './facts.repo.js';
import { findTriagedFile, insertTriagedFile } from './findings.repo.js';

export const triageFilePayload = z.object({
  caseId: z.string().uuid(),
  source: z.enum(['upload', 'email']),
  /** Upload id, or the email's activity id. */
  sourceRef: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileName: z.string().min(1).max(500),
});
export type TriageFilePayload = z.infer<typeof triageFilePayload>;

export type TriageJobDeps = { db: Kysely<DB>; clock: Clock; files: FileStore };

const KIND = 'triage.file';
const SYSTEM: Actor = { type: 'system', id: null, name: 'CaseDesk' };

/** Queues triage of a stored file once per (source, place, bytes). */
export async function enqueueTriage(db: Kysely<DB>, clock: Clock, payload: TriageFilePayload): Promise<void> {
  const spec: JobDefinition<TriageFilePayload> = {
    kind: KIND,
    payload: triageFilePayload,
    handler: async () => {
      throw new Error('enqueue-only definition');
    },
  };
  await enqueueJob(db, spec, payload, {
    dedupeKey: `${payload.source}:${payload.sourceRef}:${payload.sha256}`,
    runAt: clock.now(),
  });
}

/** A name that keeps the extension (triage picks readers by it) and nothing that could climb out. */
export function linkName(fileName: string): string {
  const leaf = fileName.split(/[\\/]/).pop() ?? '';
  const clean = leaf
    .replace(/\p{Cc}/gu, '')
    .replace(/^\.+/, '')
    .slice(-200);
  return clean.length > 0 ? clean : 'file';
}

const SEVERITY_ORDER: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/**
 * Summary shown on the timeline: counts by severity and the most important findings — errors
 * first, one per rule before any rule repeats, then in file order — each with the meaning of its
 * error code and the KBs it names, so the timeline says what was found without every finding.
 */
export function summarizeFindings(findings: Finding[]): Record<string, unknown> {
  const bySeverity = { error: 0, warning: 0, info: 0 };
  for (const f of findings) bySeverity[f.severity]++;
  const seen = new Set<string>();
  const ranked = findings
    .map((f, i) => {
      const repeat = seen.has(f.rule) ? 1 : 0;
      seen.add(f.rule);
      return { f, i, repeat };
    })
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.repeat - b.repeat || a.i - b.i,
    )
    .map(({ f }) => f);
  return {
    findings: findings.length,
    bySeverity,
    top: ranked.slice(0, 5).map((f) => ({
      rule: f.rule,
      severity: f.severity,
      code: f.code,
      codeName: f.codeName,
      meaning: f.code ? (describeErrorCode(f.code)?.message ?? null) : null,
      message: f.message,
      kbs: [...new Set(f.facts.filter((x) => x.kind === 'kb').map((x) => x.value))],
      file: f.file,
      line: f.line,
    })),
  };
}

/**
 * The background triage of one stored file (an upload or an email attachment): runs the log
 * rules with a scratch directory inside the file store (nothing is written outside it), stores
 * the findings and their facts, and puts a summary on the case timeline. A refused archive (zip
 * bomb, unsafe path) is recorded as refused with its reason, not retried.
 */
export function triageFileJob(deps: TriageJobDeps): JobDefinition<TriageFilePayload> {
  return defineJob({
    kind: KIND,
    payload: triageFilePayload,
    maxAttempts: 5,
    handler: async (p) => {
      if (await findTriagedFile(deps.db, p)) return;
      if (!(await deps.files.has(p.sha256))) throw new Error(`file ${p.sha256} is not in the file store yet`);
      const scratch = await mkdtemp(join(deps.files.tempDir, 'triage-'));
      let files: TriageFile[] = [];
      let findings: Finding[] = [];
      let error: string | null = null;
      try {
        const link = join(scratch, linkName(p.fileName));
        await symlink(await deps.files.localPath(p.sha256), link);
        const result = await runTriage([link], { storeDir: scratch });
        files = result.files;
        findings = result.findings;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        error = err.message;
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
      const now = deps.clock.now();
      await deps.db.transaction().execute(async (trx) => {
        if (await findTriagedFile(trx, p)) return;
        const activityId = await insertActivity(trx, {
          caseId: p.caseId,
          type: 'system',
          actor: SYSTEM,
          occurredAt: now,
          payload: {
            kind: error ? 'triage.refused' : 'triage.completed',
            fileName: p.fileName,
            sha256: p.sha256,
            source: p.source,
            ...(error ? { error } : summarizeFindings(findings)),
          },
        });
        const stored = await insertTriagedFile(trx, {
          ...p,
          status: error ? 'refused' : 'done',
          error,
          files,
          findings,
          activityId,
          now,
        });
        for (const [i, finding] of findings.entries()) {
          await insertFacts(trx, {
            caseId: p.caseId,
            facts: finding.facts,
            source: 'finding',
            sourceRef: stored.findingIds[i] as string,
            seenAt: now,
          });
        }
      });
    },
  });
}
