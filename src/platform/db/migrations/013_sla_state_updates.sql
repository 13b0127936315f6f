-- A full SLA recompute (after a policy or calendar change) rewrites the state row of every open
-- case. With an index on a column that changes (next_due_at, next_check_at) each rewrite is a new
-- tuple plus an entry in every index; without one, and with room left on each page, PostgreSQL
-- updates the row in place (a HOT update): about a third of the cost. Neither index served the
-- scheduler (its stale-case filter is an OR over the join with cases); the "breaching soon" list
-- now reads the state table in full and sorts the few due soon.
drop index if exists case_sla_next_due;
drop index if exists case_sla_next_check;
alter table case_sla set (fillfactor = 45);

-- A breach is a clock that missed: first response and resolution once per case, each follow-up
-- window once (the window starts at the contact that promised it). Its identity is that start, not
-- its due time, so a policy or calendar change that moves due times does not record the same
-- breach again. Rows from before keep started_at null and their (case, kind, due time) key.
alter table sla_breaches add column started_at timestamptz;
create unique index sla_breaches_clock on sla_breaches(case_id, kind, started_at) where started_at is not null;
