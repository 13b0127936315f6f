import type { ColumnType, Generated } from 'kysely';
import type { FactTables } from '../facts/facts.tables.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type MaybeTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type UploadWorkspacesTable = {
  id: Generated<string>;
  case_id: string;
  user_name: string;
  secret_hash: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: MaybeTime;
  revoked_by: string | null;
};

export type UploadSessionsTable = {
  id: string;
  workspace_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
};

export type UploadFileStatus = 'partial' | 'complete' | 'swept' | 'purged';

export type UploadFilesTable = {
  id: string;
  workspace_id: string;
  case_id: string;
  file_name: string;
  content_type: ColumnType<string, string | undefined, string>;
  size: number;
  status: ColumnType<UploadFileStatus, UploadFileStatus | undefined, UploadFileStatus>;
  sha256: string | null;
  activity_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  completed_at: MaybeTime;
  purged_at: MaybeTime;
};

/** Tables of the uploads domain's migration 007 (workspaces, uploads, triage findings, facts). */
export type UploadTables = {
  upload_workspaces: UploadWorkspacesTable;
  upload_sessions: UploadSessionsTable;
  upload_files: UploadFilesTable;
} & FactTables;
