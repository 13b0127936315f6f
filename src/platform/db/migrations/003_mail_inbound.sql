-- Inbound mail: every message received (SMTP, IMAP, import-mail) is recorded here by the SHA-256 of its
-- raw bytes (kept in the file store), whatever became of it: threaded onto a case, held for review,
-- or listed as needing attention. The unique keys are what makes a second delivery a no-op.
create table inbound_messages (
  id uuid primary key default gen_random_uuid(),
  raw_sha256 text not null unique check (raw_sha256 ~ '^[0-9a-f]{64}$'),
  raw_size integer not null,
  message_id text,
  -- Same Message-ID, sender and Date: the same message delivered again (other bytes: other Received
  -- headers). The sender and date are part of the key because some mailers reuse Message-IDs.
  message_key text,
  source text not null,
  status text not null default 'processing'
    check (status in ('processing', 'threaded', 'needs_attention', 'review', 'dismissed', 'duplicate')),
  -- Other bytes of a message already recorded (same Message-ID, sender, Date): kept, pointing at it.
  duplicate_of uuid references inbound_messages(id),
  -- How a threaded message found its case (reference, token, tag, thread_index, new_case, follow_up).
  via text,
  case_id uuid references cases(id),
  activity_id uuid references activities(id) on delete set null,
  -- Why it needs attention or review, in words a person can act on.
  reason text,
  -- The case a message under review named (the one it was kept out of).
  named_case_id uuid references cases(id),
  subject text not null default '',
  from_address text,
  received_at timestamptz not null,
  resolved_at timestamptz,
  resolved_by uuid references engineers(id),
  resolution text
);
create unique index inbound_messages_message_key on inbound_messages(message_key) where message_key is not null;
create index inbound_messages_message_id on inbound_messages(message_id) where message_id is not null;
create index inbound_messages_open on inbound_messages(status, received_at) where status in ('needs_attention', 'review');

-- What CaseDesk keeps of an inbound email beyond the timeline's `emails` row.
create table inbound_emails (
  activity_id uuid primary key references activities(id) on delete cascade,
  inbound_message_id uuid not null references inbound_messages(id),
  raw_sha256 text not null,
  -- The part the sender just wrote, and the quoted history below it.
  fresh_text text not null,
  quoted_text text,
  -- The HTML body as received. Kept here, never in emails.html_body, so no reader of the timeline can
  -- get it unsanitized: it is served through the sanitizer only (GET /emails/{id}/html).
  html_body text,
  -- Outlook Thread-Index conversation root (first 22 bytes, hex).
  thread_root text,
  is_auto_reply boolean not null default false,
  warnings jsonb not null default '[]'::jsonb
);
create index inbound_emails_thread_root on inbound_emails(thread_root) where thread_root is not null;
create index inbound_emails_raw on inbound_emails(raw_sha256);

-- Every file of an inbound email (attachments and inline images), for cid: images and downloads.
create table email_files (
  activity_id uuid not null references activities(id) on delete cascade,
  position integer not null,
  sha256 text not null,
  filename text not null,
  content_type text not null,
  size bigint not null,
  content_id text,
  inline boolean not null default false,
  primary key (activity_id, position)
);
create index email_files_sha256 on email_files(sha256);

-- IMAP cursor per configured mailbox: after a restart, polling resumes after the last UID seen.
create table imap_cursors (
  mailbox_key text primary key,
  uid_validity bigint not null,
  last_uid bigint not null default 0,
  updated_at timestamptz not null default now()
);
