-- SLA: business calendars, policies per priority (overridable per account), each case's SLA settings
-- and last evaluated state, and the breaches and reminders already recorded (each exactly once).

-- A calendar row. The built-in CN row lays `days` and `imported_years` over the holiday data shipped
-- with CaseDesk (chinese-days), so an admin's edits survive an upgrade of that data; other rows hold
-- all their days themselves.
create table sla_calendars (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
  builtin boolean not null default false,
  zone text not null,
  working_hours jsonb not null,
  make_up_day_hours jsonb not null,
  days jsonb not null default '{}'::jsonb,
  -- years an import replaced wholesale (for CN: the shipped days of those years no longer apply)
  imported_years integer[] not null default '{}',
  -- years an admin declared complete without importing them
  covered_years integer[] not null default '{}',
  is_default boolean not null default false,
  -- bumped on every change, so servers know when their compiled copy is stale
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index sla_calendars_one_default on sla_calendars(is_default) where is_default;

insert into sla_calendars(name, builtin, zone, working_hours, make_up_day_hours, is_default) values (
  'CN', true, 'Asia/Shanghai',
  '{"1":[{"start":"09:00","end":"18:00"}],"2":[{"start":"09:00","end":"18:00"}],"3":[{"start":"09:00","end":"18:00"}],"4":[{"start":"09:00","end":"18:00"}],"5":[{"start":"09:00","end":"18:00"}],"6":[],"7":[]}'::jsonb,
  '[{"start":"09:00","end":"18:00"}]'::jsonb,
  true);

-- Targets per priority; a row with an account overrides the default row (account_id null).
create table sla_policies (
  id uuid primary key default gen_random_uuid(),
  account_id uuid references accounts(id) on delete cascade,
  priority text not null check (priority in ('P1', 'P2', 'P3', 'P4')),
  first_response_hours double precision not null check (first_response_hours > 0),
  -- default follow-up cadence when the case has none of its own; null: no promise by default
  follow_up_days integer check (follow_up_days is null or follow_up_days >= 1),
  resolution_value double precision not null check (resolution_value > 0),
  resolution_unit text not null check (resolution_unit in ('business_hours', 'business_days')),
  remind_before_minutes integer not null default 60 check (remind_before_minutes >= 0),
  updated_at timestamptz not null default now()
);
create unique index sla_policies_default on sla_policies(priority) where account_id is null;
create unique index sla_policies_account on sla_policies(account_id, priority) where account_id is not null;

insert into sla_policies(priority, first_response_hours, follow_up_days, resolution_value, resolution_unit, remind_before_minutes) values
  ('P1', 1, 1, 2, 'business_days', 15),
  ('P2', 2, 1, 5, 'business_days', 30),
  ('P3', 4, 2, 10, 'business_days', 60),
  ('P4', 8, 5, 20, 'business_days', 120);

-- Per case: its own calendar and cadence (when set), and the state of its last evaluation.
create table case_sla (
  case_id uuid primary key references cases(id) on delete cascade,
  calendar_id uuid references sla_calendars(id),
  cadence_business_days integer check (cadence_business_days is null or cadence_business_days >= 1),
  cadence_source text check (cadence_source in ('engineer', 'detected')),
  cadence_set_by uuid references engineers(id) on delete set null,
  cadence_set_at timestamptz,
  -- engineer mail up to this activity seq has been read for a promised cadence
  cadence_scanned_seq bigint not null default 0,
  state jsonb,
  -- highest activity seq the state has seen; a newer activity makes the state stale
  last_seq bigint not null default 0,
  evaluated_at timestamptz,
  first_response_due_at timestamptz,
  follow_up_due_at timestamptz,
  resolution_due_at timestamptz,
  -- earliest due time not yet met (in the past when overdue), for "breaching soon"
  next_due_at timestamptz,
  next_due_kind text,
  -- when the state must be evaluated again although nothing happened (a reminder or a due time)
  next_check_at timestamptz,
  -- the breaches of the last evaluation, as text: unchanged means nothing new to record
  breaches_key text not null default '',
  created_at timestamptz not null default now()
);
create index case_sla_next_due on case_sla(next_due_at) where next_due_at is not null;
create index case_sla_next_check on case_sla(next_check_at) where next_check_at is not null;

-- Each breach once: two servers or a restart insert the same (case, kind, due time) only once.
create table sla_breaches (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references cases(id) on delete cascade,
  kind text not null check (kind in ('first_response', 'follow_up', 'resolution')),
  due_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  notified boolean not null default false,
  unique (case_id, kind, due_at)
);

create table sla_reminders (
  case_id uuid not null references cases(id) on delete cascade,
  kind text not null check (kind in ('first_response', 'follow_up', 'resolution')),
  due_at timestamptz not null,
  sent_at timestamptz not null default now(),
  primary key (case_id, kind, due_at)
);
