-- Mail bodies are compressed with lz4 where the server has it (PostgreSQL built --with-lz4, as
-- Debian's and most distributions' are): pglz costs ~10x more CPU per stored body, which was a
-- tenth of the database's work on mail intake. PGlite has no lz4 and keeps pglz. Only rows written
-- from now on change; older rows stay readable as they are.
do $$
begin
  alter table emails alter column text_body set compression lz4;
  alter table emails alter column html_body set compression lz4;
  alter table inbound_emails alter column html_body set compression lz4;
exception when feature_not_supported then
  null;
end $$;
