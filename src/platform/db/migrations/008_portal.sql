-- The customer portal: contacts of an account sign in (one-time link by email, or a password) and
-- see their account's cases. Only hashes of secrets are stored, as for engineers' sessions.

-- Portal access of a contact. No row: the contact may sign in by link (if it has an email and an
-- account) but has no password yet. disabled_at set: no sign-in of any kind.
create table portal_access (
  contact_id uuid primary key references contacts(id) on delete cascade,
  password_hash text,                    -- argon2id
  disabled_at timestamptz,
  disabled_by uuid references engineers(id),
  updated_at timestamptz not null default now()
);

create table portal_sessions (
  id text primary key,                   -- SHA-256 of the cookie value
  contact_id uuid not null references contacts(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index portal_sessions_contact on portal_sessions(contact_id);

-- One-time sign-in links sent by mail; redeemed once, before expires_at.
create table portal_login_links (
  id text primary key,                   -- SHA-256 of the token in the link
  contact_id uuid not null references contacts(id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index portal_login_links_contact on portal_login_links(contact_id, created_at desc);
