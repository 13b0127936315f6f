-- Intake acknowledges a message once it is recorded as received (status 'processing', raw bytes
-- fsynced) and files it onto a case in a later transaction. A message still 'processing' long
-- after it was received was left by a crash between the two; the recovery sweep finds it here.
create index inbound_messages_unfiled on inbound_messages(received_at) where status = 'processing';
