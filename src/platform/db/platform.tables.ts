import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type MaybeTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export type JobsTable = {
  id: Generated<string>;
  kind: string;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  dedupe_key: string | null;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  locked_by: string | null;
  locked_until: MaybeTime;
  last_error: string | null;
  created_at: CreatedAt;
  finished_at: MaybeTime;
};

export type NotificationsTable = {
  id: Generated<string>;
  engineer_id: string;
  case_id: string | null;
  kind: string;
  message: string;
  dedupe_key: string | null;
  created_at: CreatedAt;
  read_at: MaybeTime;
};

/** Tables of migration 002 (jobs, notifications). */
export type PlatformTables = { jobs: JobsTable; notifications: NotificationsTable };
