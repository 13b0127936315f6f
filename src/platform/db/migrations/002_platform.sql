-- Background jobs (no broker: claimed from this table with a conditional update, so several
-- servers can share the work) and in-app notifications.

create table jobs (
  id uuid primary key default gen_random_uuid(),
  kind text not null,
  payload jsonb not null default '{}'::jsonb,
  -- A job with a key is enqueued at most once while it is not finished (e.g. one reminder per due time).
  dedupe_key text,
  status text not null default 'pending' check (status in ('pending', 'running', 'done', 'failed')),
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 8,
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_due on jobs(run_at) where status in ('pending', 'running');
create unique index jobs_dedupe on jobs(kind, dedupe_key) where dedupe_key is not null;

create table notifications (
  id uuid primary key default gen_random_uuid(),
  engineer_id uuid not null references engineers(id) on delete cascade,
  case_id uuid references cases(id) on delete cascade,
  kind text not null,
  message text not null,
  -- Same key, same engineer: notified once (reminders and breaches must not repeat across restarts).
  dedupe_key text,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create index notifications_unread on notifications(engineer_id, created_at desc) where read_at is null;
create unique index notifications_dedupe on notifications(engineer_id, dedupe_key) where dedupe_key is not null;
