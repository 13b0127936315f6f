-- The SLA-relevant timeline each stored state was computed from (entry count, highest seq, mail
-- and call instants with their sender and whether they had content, status changes), as JSON text.
-- A full SLA recompute (after a calendar or policy change) reads it instead of every activity and
-- mail body, as long as the case's entry count and highest seq still match it.
alter table case_sla add column timeline text;
