import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { Finding, TriageFile } from '../triage/triage.types.js';

type Db = Kysely<DB>;

export type TriageSource = 'upload' | 'email';

export type TriagedFile = {
  id: string;
  caseId: string;
  source: TriageSource;
  sourceRef: string;
  sha256: string;
  fileName: string;
  status: 'done' | 'refused';
  error: string | null;
  files: TriageFile[];
  findingCount: number;
  triagedAt: Date;
};

export type StoredFinding = Finding & { id: string; triagedFileId: string };

export async function findTriagedFile(
  db: Db,
  key: { source: TriageSource; sourceRef: string; sha256: string },
): Promise<{ id: string } | null> {
  const row = await db
    .selectFrom('triaged_files')
    .select('id')
    .where('source', '=', key.source)
    .where('source_ref', '=', key.sourceRef)
    .where('sha256', '=', key.sha256)
    .executeTakeFirst();
  return row ?? null;
}

/** Stores one analysed file with its findings; returns the new row id and the finding ids in order. */
export async function insertTriagedFile(
  db: Db,
  input: {
    caseId: string;
    source: TriageSource;
    sourceRef: string;
    sha256: string;
    fileName: string;
    status: 'done' | 'refused';
    error: string | null;
    files: TriageFile[];
    findings: Finding[];
    activityId: string;
    now: Date;
  },
): Promise<{ id: string; findingIds: string[] }> {
  const row = await db
    .insertInto('triaged_files')
    .values({
      case_id: input.caseId,
      source: input.source,
      source_ref: input.sourceRef,
      sha256: input.sha256,
      file_name: input.fileName,
      status: input.status,
      error: input.error,
      files: JSON.stringify(input.files),
      finding_count: input.findings.length,
      activity_id: input.activityId,
      triaged_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const findingIds: string[] = [];
  // Batches keep each insert under the parameter limit however many findings a log gives.
  for (let start = 0; start < input.findings.length; start += 200) {
    const batch = input.findings.slice(start, start + 200);
    const ids = await db
      .insertInto('triage_findings')
      .values(
        batch.map((f, i) => ({
          triaged_file_id: row.id,
          case_id: input.caseId,
          position: start + i,
          rule: f.rule,
          severity: f.severity,
          code: f.code,
          code_name: f.codeName,
          message: f.message,
          file: f.file,
          line: f.line,
          excerpt: f.excerpt,
          facts: JSON.stringify(f.facts),
          next_step: f.nextStep,
          occurrences: f.occurrences,
          more_lines: JSON.stringify(f.moreLines),
        })),
      )
      .returning('id')
      .execute();
    findingIds.push(...ids.map((r) => r.id));
  }
  return { id: row.id, findingIds };
}

export async function listTriagedFiles(db: Db, caseId: string): Promise<TriagedFile[]> {
  const rows = await db
    .selectFrom('triaged_files')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('triaged_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    source: r.source,
    sourceRef: r.source_ref,
    sha256: r.sha256,
    fileName: r.file_name,
    status: r.status,
    error: r.error,
    files: r.files,
    findingCount: r.finding_count,
    triagedAt: r.triaged_at,
  }));
}

export async function listFindings(db: Db, caseId: string): Promise<StoredFinding[]> {
  const rows = await db
    .selectFrom('triage_findings as f')
    .innerJoin('triaged_files as t', 't.id', 'f.triaged_file_id')
    .selectAll('f')
    .where('f.case_id', '=', caseId)
    .orderBy('t.triaged_at')
    .orderBy('f.position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    triagedFileId: r.triaged_file_id,
    rule: r.rule,
    severity: r.severity,
    code: r.code,
    codeName: r.code_name,
    message: r.message,
    file: r.file,
    line: r.line,
    excerpt: r.excerpt,
    facts: r.facts,
    nextStep: r.next_step,
    occurrences: r.occurrences,
    moreLines: r.more_lines,
  }));
}

export type EmailAttachments = {
  activityId: string;
  caseId: string;
  at: Date;
  attachments: { filename: string; sha256: string }[];
};

/** Email activities with attachments not yet queued for triage, oldest first. */
export async function emailsWithUnscannedAttachments(db: Db, limit: number): Promise<EmailAttachments[]> {
  const rows = await db
    .selectFrom('emails')
    .innerJoin('activities', 'activities.id', 'emails.activity_id')
    .leftJoin('triage_email_scans', 'triage_email_scans.activity_id', 'emails.activity_id')
    .select(['emails.activity_id', 'emails.case_id', 'emails.attachments', 'activities.created_at'])
    .where('triage_email_scans.activity_id', 'is', null)
    .where(sql<boolean>`jsonb_array_length(emails.attachments) > 0`)
    .orderBy('activities.created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    activityId: r.activity_id,
    caseId: r.case_id,
    at: r.created_at,
    attachments: (r.attachments ?? []).map((a) => ({ filename: a.filename, sha256: a.sha256 })),
  }));
}

export async function markEmailAttachmentsScanned(db: Db, activityId: string, now: Date): Promise<void> {
  await db
    .insertInto('triage_email_scans')
    .values({ activity_id: activityId, scanned_at: now })
    .onConflict((oc) => oc.column('activity_id').doNothing())
    .execute();
}
