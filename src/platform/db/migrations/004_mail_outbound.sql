-- Outbound mail: a durable outbox. A row is written in the same transaction as the email on the
-- case timeline; senders claim due rows with a conditional update (for update skip locked), so with
-- several servers each message is handed to SMTP by one of them. States:
--   pending -> sending -> sent | retry | failed        (retry -> sending again when next_attempt_at comes)
--   sending -> uncertain  (the sender died mid-transaction: never re-sent automatically, see README)
create table mail_outbox (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('case_reply', 'notification')),
  case_id uuid references cases(id) on delete cascade,
  activity_id uuid references activities(id) on delete cascade,
  -- Stable across attempts, so a re-send is recognisable and replies thread back.
  message_id text not null unique,
  from_name text,
  to_addresses jsonb not null default '[]'::jsonb,
  cc_addresses jsonb not null default '[]'::jsonb,
  bcc_addresses jsonb not null default '[]'::jsonb,
  subject text not null,
  text_body text not null default '',
  html_body text,
  in_reply_to text,
  references_ids text[] not null default '{}',
  extra_headers jsonb not null default '{}'::jsonb,
  attachments jsonb not null default '[]'::jsonb,       -- [{filename, contentType, size, sha256}] in the file store
  state text not null default 'pending'
    check (state in ('pending', 'sending', 'retry', 'sent', 'failed', 'uncertain')),
  attempts integer not null default 0,
  max_attempts integer not null default 12,
  next_attempt_at timestamptz not null,
  claim_token uuid,                                    -- which claim may record the outcome
  claimed_by text,
  lease_until timestamptz,
  last_error text,
  smtp_response text,
  held_reason text,                                    -- e.g. no SMTP server configured
  created_at timestamptz not null,
  updated_at timestamptz not null,
  sent_at timestamptz
);
create index mail_outbox_due on mail_outbox(next_attempt_at) where state in ('pending', 'retry');
create index mail_outbox_leases on mail_outbox(lease_until) where state = 'sending';
create index mail_outbox_state_created on mail_outbox(state, created_at desc);
create index mail_outbox_case on mail_outbox(case_id) where case_id is not null;
