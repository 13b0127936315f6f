import type { Fact } from './facts.js';

/** Which kind of Windows log a text is; rules say which kinds they read. */
export type LogKind = 'cbs' | 'dism' | 'windowsupdate' | 'setupapi' | 'checksur' | 'text';
export const LOG_KINDS: readonly LogKind[] = ['cbs', 'dism', 'windowsupdate', 'setupapi', 'checksur', 'text'];

export type Severity = 'error' | 'warning' | 'info';

/** One thing triage found in one log, with where it was seen and what to do next. */
export type Finding = {
  rule: string;
  severity: Severity;
  /** Normalised error code (`0x80073712`) when the finding is about one. */
  code: string | null;
  codeName: string | null;
  message: string;
  /** Display path of the log: archive chain joined with ` > ` (e.g. `logs.zip > CBS/CBS.log`). */
  file: string;
  /** 1-based line of the first occurrence. */
  line: number;
  /** The matched line(s) with one line of context before and after. */
  excerpt: string;
  facts: Fact[];
  nextStep: string;
  /** How many times the same finding (same rule and key) occurred in this file. */
  occurrences: number;
  /** Lines of later occurrences (first 20). */
  moreLines: number[];
};

/** One file (or archive entry) triage looked at. */
export type TriageFile = {
  file: string;
  kind: LogKind | 'archive' | 'skipped';
  bytes: number;
  lines: number;
  findings: number;
  /** Why a file was not read (e.g. `skipped: cabextract not installed`). */
  note?: string;
};

export type TriageResult = { files: TriageFile[]; findings: Finding[] };
