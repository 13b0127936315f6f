-- Upload workspaces (per-case credentials for customers), resumable uploads, background triage
-- findings and the facts extracted from mails and findings.

create table upload_workspaces (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references cases(id) on delete cascade,
  user_name text not null unique,          -- derived from the account, e.g. ICBC001
  secret_hash text not null,               -- argon2id; the secret is shown once
  created_by uuid references engineers(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_by uuid references engineers(id)
);
create index upload_workspaces_case on upload_workspaces(case_id, created_at);

-- Upload-page sign-ins; id is the SHA-256 of the cookie value.
create table upload_sessions (
  id text primary key,
  workspace_id uuid not null references upload_workspaces(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index upload_sessions_workspace on upload_sessions(workspace_id);

-- One row per tus upload: partial while bytes arrive, complete once stored in the file store.
create table upload_files (
  id text primary key,                     -- the tus upload id
  workspace_id uuid not null references upload_workspaces(id) on delete cascade,
  case_id uuid not null references cases(id) on delete cascade,
  file_name text not null,
  content_type text not null default 'application/octet-stream',
  size bigint not null,
  status text not null default 'partial' check (status in ('partial', 'complete', 'swept', 'purged')),
  sha256 text check (sha256 is null or sha256 ~ '^[0-9a-f]{64}$'),
  activity_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz,
  purged_at timestamptz
);
create index upload_files_case on upload_files(case_id, created_at);
create index upload_files_partial on upload_files(updated_at) where status = 'partial';
create index upload_files_sha on upload_files(sha256) where status = 'complete';

-- One row per analysed file (an upload or an email attachment); source_ref is the upload id or
-- the email's activity id, so the same bytes attached twice are analysed for each place they appear.
create table triaged_files (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references cases(id) on delete cascade,
  source text not null check (source in ('upload', 'email')),
  source_ref text not null,
  sha256 text not null,
  file_name text not null,
  status text not null check (status in ('done', 'refused')),
  error text,
  files jsonb not null default '[]'::jsonb,
  finding_count integer not null default 0,
  activity_id uuid,
  triaged_at timestamptz not null,
  unique (source, source_ref, sha256)
);
create index triaged_files_case on triaged_files(case_id, triaged_at);

create table triage_findings (
  id uuid primary key default gen_random_uuid(),
  triaged_file_id uuid not null references triaged_files(id) on delete cascade,
  case_id uuid not null references cases(id) on delete cascade,
  position integer not null,
  rule text not null,
  severity text not null check (severity in ('error', 'warning', 'info')),
  code text,
  code_name text,
  message text not null,
  file text not null,
  line integer not null,
  excerpt text not null,
  facts jsonb not null default '[]'::jsonb,
  next_step text not null default '',
  occurrences integer not null default 1,
  more_lines jsonb not null default '[]'::jsonb
);
create index triage_findings_case on triage_findings(case_id);
create index triage_findings_file on triage_findings(triaged_file_id, position);

-- Email activities whose attachments have been queued for triage.
create table triage_email_scans (
  activity_id uuid primary key references activities(id) on delete cascade,
  scanned_at timestamptz not null
);

-- Facts (KB numbers, error codes, hashes, Windows paths, case numbers) seen on a case, one row per
-- place seen: source 'email' (source_ref = activity id) or 'finding' (source_ref = finding id).
create table case_facts (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references cases(id) on delete cascade,
  kind text not null check (kind in ('kb', 'error_code', 'hash', 'path', 'case_number')),
  value text not null,
  normalized text not null,
  detail jsonb not null default '{}'::jsonb,
  source text not null check (source in ('email', 'finding')),
  source_ref text not null,
  seen_at timestamptz not null,
  unique (case_id, kind, normalized, source, source_ref)
);
create index case_facts_normalized on case_facts(normalized);
create index case_facts_case on case_facts(case_id, kind);

-- Emails whose text has been through fact extraction.
create table fact_email_scans (
  activity_id uuid primary key references activities(id) on delete cascade,
  processed_at timestamptz not null
);
