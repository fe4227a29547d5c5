-- Indexes the case lists read from, so that with years of cases a page is found, not sorted out of
-- every case (bench/reads.ts, 100,000 cases). SQL both SQLite and PostgreSQL accept.

-- The list filtered by process and state, newest first: the index hands the first page over in
-- order and the query stops at its LIMIT. It starts with cases_by_state's columns and so serves
-- every query that served (the statechart counts group by state within a process).
CREATE INDEX cases_by_state_newest ON cases (partnership, process, state, created_at DESC, id DESC);
DROP INDEX cases_by_state;

-- A case's open deadlines (unmet, with a field that meets them) by case and due date: the soonest
-- (next due, sort=due) and "is any overdue" (overdue=true, the statechart's overdue counts) are the
-- first entry under the case, read from the index alone rather than from the table.
CREATE INDEX deadlines_open_by_case ON deadlines (case_id, due) WHERE met IS NULL AND satisfied_by IS NOT NULL;

-- Open cases only (about a fifth of them after some years): the overdue filter asks only of open
-- cases whether a deadline has passed, so it walks these instead of every case ever recorded.
CREATE INDEX cases_open ON cases (partnership, process, state) WHERE final = 0;

-- A process's history in time order: the escalation log reads a page from its cursor (at, position)
-- on, rather than every transition of every case of the process, sorted, for each page.
CREATE INDEX history_by_process_time ON history (partnership, process, at, position);
