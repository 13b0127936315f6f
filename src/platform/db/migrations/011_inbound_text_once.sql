-- An inbound email's text is stored once, in emails.text_body. New rows leave fresh_text and
-- quoted_text null: readers split the text with the same splitter (src/mail/reading/split-quoted.ts)
-- when they show it. Rows from before keep the split they were stored with.
alter table inbound_emails alter column fresh_text drop not null;
