-- Core model: accounts, contacts, engineers, cases and their timeline.
-- Times are timestamptz (UTC instants, microsecond precision so imported archive times survive).

create table accounts (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,            -- short name used in subjects, e.g. ICBC
  full_name text,
  created_at timestamptz not null default now()
);

-- A mail domain belongs to at most one account (threading maps senders to accounts by domain).
create table account_domains (
  domain text primary key check (domain = lower(domain)),
  account_id uuid not null references accounts(id) on delete cascade
);
create index account_domains_account on account_domains(account_id);

create table contacts (
  id uuid primary key default gen_random_uuid(),
  account_id uuid references accounts(id),
  name text not null,
  email text check (email is null or email = lower(email)),
  phone text,
  created_at timestamptz not null default now()
);
create unique index contacts_email on contacts(email) where email is not null;
create unique index contacts_account_name_no_email on contacts(account_id, name) where email is null;

create table engineers (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  email text unique check (email is null or email = lower(email)),
  role text not null default 'engineer' check (role in ('admin', 'engineer')),
  password_hash text,
  active boolean not null default true,
  created_at timestamptz not null default now()
);

create sequence case_number_seq;
create sequence tracking_token_seq;

create table cases (
  id uuid primary key default gen_random_uuid(),
  number text not null unique check (number ~ '^CAS-[0-9]{5}-[0-9A-Z]{6}$'),
  title text not null,
  account_id uuid references accounts(id),
  priority text not null default 'P3' check (priority in ('P1', 'P2', 'P3', 'P4')),
  status text not null default 'new'
    check (status in ('new', 'in_progress', 'waiting_for_customer', 'resolved', 'closed')),
  stage text not null default '',
  owner_id uuid references engineers(id),
  tracking_token text not null unique,
  opened_at timestamptz not null,
  updated_at timestamptz not null,
  closed_at timestamptz,
  -- Cases are never deleted (a merged case stays, pointing at the survivor), so a number is never reused.
  merged_into uuid references cases(id),
  first_response_at timestamptz,
  created_at timestamptz not null default now()
);
create index cases_updated on cases(updated_at desc, id);
create index cases_status_updated on cases(status, updated_at desc);
create index cases_owner_updated on cases(owner_id, updated_at desc);
create index cases_account_updated on cases(account_id, updated_at desc);

create table case_participants (
  case_id uuid not null references cases(id) on delete cascade,
  contact_id uuid not null references contacts(id),
  role text not null default 'customer' check (role in ('customer', 'cc', 'third_party')),
  added_at timestamptz not null default now(),
  primary key (case_id, contact_id)
);

-- The timeline. `payload` holds the type-specific fields of calls, notes, status changes and transfers;
-- emails keep their own row in `emails` (threading looks them up by Message-ID).
create table activities (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  case_id uuid not null references cases(id) on delete cascade,
  type text not null check (type in ('email', 'call', 'note', 'status_change', 'transfer', 'system')),
  actor_type text not null check (actor_type in ('engineer', 'contact', 'system')),
  actor_id uuid,
  actor_name text not null,
  occurred_at timestamptz not null,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index activities_case_time on activities(case_id, occurred_at, seq);

create table emails (
  activity_id uuid primary key references activities(id) on delete cascade,
  case_id uuid not null references cases(id) on delete cascade,
  direction text not null check (direction in ('inbound', 'outbound')),
  from_name text,
  from_address text,
  to_addresses jsonb not null default '[]'::jsonb,
  cc_addresses jsonb not null default '[]'::jsonb,
  subject text not null default '',
  text_body text not null default '',
  html_body text,
  sent_at timestamptz,
  message_id text,
  in_reply_to text,
  references_ids text[] not null default '{}',
  attachments jsonb not null default '[]'::jsonb
);
create index emails_message_id on emails(message_id) where message_id is not null;
create index emails_case on emails(case_id);

create table sessions (
  id text primary key,                   -- SHA-256 of the cookie value; the value itself is never stored
  engineer_id uuid not null references engineers(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  engineer_id uuid not null references engineers(id) on delete cascade,
  name text not null default '',
  token_hash text not null unique,       -- SHA-256 of the token
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- Thread archive files already imported, by content hash, so a second import creates nothing.
create table archive_imports (
  sha256 text primary key,
  case_id uuid not null references cases(id) on delete cascade,
  file_name text not null,
  imported_at timestamptz not null default now()
);
