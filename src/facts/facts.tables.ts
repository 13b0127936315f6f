import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Fact, FactDetail, FactKind } from '../triage/facts.js';
import type { Severity, TriageFile } from '../triage/triage.types.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type TriagedFilesTable = {
  id: Generated<string>;
  case_id: string;
  source: 'upload' | 'email';
  source_ref: string;
  sha256: string;
  file_name: string;
  status: 'done' | 'refused';
  error: string | null;
  files: JSONColumnType<TriageFile[], string, string>;
  finding_count: number;
  activity_id: string | null;
  triaged_at: Timestamp;
};

export type TriageFindingsTable = {
  id: Generated<string>;
  triaged_file_id: string;
  case_id: string;
  position: number;
  rule: string;
  severity: Severity;
  code: string | null;
  code_name: string | null;
  message: string;
  file: string;
  line: number;
  excerpt: string;
  facts: JSONColumnType<Fact[], string, string>;
  next_step: string;
  occurrences: number;
  more_lines: JSONColumnType<number[], string, string>;
};

export type TriageEmailScansTable = { activity_id: string; scanned_at: Timestamp };

export type CaseFactsTable = {
  id: Generated<string>;
  case_id: string;
  kind: FactKind;
  value: string;
  normalized: string;
  detail: JSONColumnType<FactDetail, string, string>;
  source: 'email' | 'finding';
  source_ref: string;
  seen_at: Timestamp;
};

export type FactEmailScansTable = { activity_id: string; processed_at: Timestamp };

/** Findings and facts tables of migration 007. */
export type FactTables = {
  triaged_files: TriagedFilesTable;
  triage_findings: TriageFindingsTable;
  triage_email_scans: TriageEmailScansTable;
  case_facts: CaseFactsTable;
  fact_email_scans: FactEmailScansTable;
};
