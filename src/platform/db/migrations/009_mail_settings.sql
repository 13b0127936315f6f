-- Mail settings an admin edits in the console. One row; a null section means "from the environment"
-- (CASEDESK_SMTP_OUT_*, CASEDESK_MAIL_FROM, CASEDESK_IMAP_MAILBOXES), so a server with nothing stored
-- behaves exactly as its environment says. Passwords are stored here because CaseDesk must present
-- them to the SMTP/IMAP servers; the API never returns them.
create table mail_settings (
  id smallint primary key default 1 check (id = 1),
  outbound jsonb,         -- {host, port, tls, user, password}
  mail_from text,         -- e.g. 'Support <support@vendor.com>'
  imap_mailboxes jsonb,   -- [{id, enabled, name, host, port, tls, user, password, mailbox, afterProcessing, moveTo}]
  version integer not null default 1,
  updated_by uuid references engineers(id) on delete set null,
  updated_at timestamptz not null
);
