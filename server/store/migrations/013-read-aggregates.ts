/**
 * Read aggregates (server/store/aggregates.ts says what each holds, how a wrong one is found and how
 * it is rebuilt): the overdue filter, the statechart counts and the yearly summary read these and a
 * few index entries instead of every case, deadline and step of the year.
 *
 * Kept by triggers on the tables the write path already writes, so each figure changes in the same
 * transaction as the rows it counts and no code path can forget one: `writeProjection` deletes and
 * reinserts a case's deadlines on each transition, the case row's state, finality and version are
 * updated, history is appended. Each trigger counts against the case row as it is at that moment,
 * and a change of the case row moves its deadlines and steps from the old key to the new, so the
 * figures agree with the tables whatever order a transaction writes them in.
 *
 * Both dialects: SQLite triggers, and PostgreSQL trigger functions with the same statements (NEW and
 * OLD read alike in both). A NULL from state is stored as '' so that it can be part of a key.
 */
import { rebuildAggregatesIn } from '../aggregates.ts';
import type { Connection } from '../database.ts';

const TABLES = `
  ALTER TABLE cases ADD COLUMN next_due TEXT;

  CREATE TABLE case_counts (
    partnership TEXT NOT NULL,
    process TEXT NOT NULL,
    process_version INTEGER NOT NULL,
    state TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (partnership, process, process_version, state)
  );

  CREATE TABLE history_day_counts (
    partnership TEXT NOT NULL,
    process TEXT NOT NULL,
    process_version INTEGER NOT NULL,
    day TEXT NOT NULL,
    type TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (partnership, process, process_version, day, type, from_state, to_state)
  );
  CREATE INDEX history_day_counts_by_day ON history_day_counts (partnership, day);

  CREATE TABLE deadline_counts (
    partnership TEXT NOT NULL,
    process TEXT NOT NULL,
    process_version INTEGER NOT NULL,
    final INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    due TEXT NOT NULL,
    met INTEGER NOT NULL,
    satisfiable INTEGER NOT NULL,
    corrected INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (partnership, process, process_version, final, deadline, due, met, satisfiable, corrected)
  );
  CREATE INDEX deadline_counts_by_due ON deadline_counts (partnership, due);

  -- The overdue filter by due date: open cases with a next due date, soonest first, ties newest
  -- first, as the list orders them, so the first page is read off the index and the query stops.
  CREATE INDEX cases_overdue ON cases (partnership, next_due, created_at DESC, id DESC) WHERE final = 0 AND next_due IS NOT NULL;
  -- The statechart's overdue counts: the overdue cases of one process, their state and version
  -- read from the index alone.
  CREATE INDEX cases_overdue_by_process ON cases (partnership, process, next_due, state, process_version) WHERE final = 0 AND next_due IS NOT NULL;
  -- The one-off questions the yearly summary still asks of history (its first and last days, the
  -- outcome events) by event within a process and time.
  CREATE INDEX history_by_type_time ON history (partnership, process, type, at);
`;

interface Trigger {
  name: string;
  /** `INSERT ON deadlines`, `UPDATE OF state ON cases`, … */
  on: string;
  when?: string;
  body: string[];
}

const NEXT_DUE = (caseId: string) =>
  `UPDATE cases SET next_due = (SELECT MIN(d.due) FROM deadlines d WHERE d.case_id = ${caseId} AND d.met IS NULL AND d.satisfied_by IS NOT NULL) WHERE id = ${caseId}`;

const CASE_COUNT_KEY = 'partnership, process, process_version, state';
const caseCount = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
  `INSERT INTO case_counts (${CASE_COUNT_KEY}, n) VALUES (${row}.partnership, ${row}.process, ${row}.process_version, ${row}.state, ${delta})
   ON CONFLICT (${CASE_COUNT_KEY}) DO UPDATE SET n = case_counts.n + ${delta}`;
/**
 * A case leaving one key for another, both rows in one statement in key order: on PostgreSQL two
 * transactions moving cases X→Y and Y→X then lock the two rows in the same order and one waits,
 * where a decrement and an increment in the order of the move could deadlock them.
 */
const caseMoved = `INSERT INTO case_counts (${CASE_COUNT_KEY}, n)
   SELECT ${CASE_COUNT_KEY}, n FROM (
     SELECT OLD.partnership AS partnership, OLD.process AS process, OLD.process_version AS process_version, OLD.state AS state, -1 AS n
     UNION ALL SELECT NEW.partnership, NEW.process, NEW.process_version, NEW.state, 1) AS moved
   WHERE TRUE ORDER BY ${CASE_COUNT_KEY}
   ON CONFLICT (${CASE_COUNT_KEY}) DO UPDATE SET n = case_counts.n + excluded.n`;

const DEADLINE_KEY = 'partnership, process, process_version, final, deadline, due, met, satisfiable, corrected';
const SATISFIABLE = (d: string) => `CASE WHEN ${d}.satisfied_by IS NULL THEN 0 ELSE 1 END`;
/** One deadline row counted (or uncounted) under its case as the case row is now. */
const deadlineCount = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
  `INSERT INTO deadline_counts (${DEADLINE_KEY}, n)
   SELECT c.partnership, c.process, c.process_version, c.final, ${row}.id, ${row}.due, COALESCE(${row}.met, -1), ${SATISFIABLE(row)}, ${row}.corrected, ${delta}
     FROM cases c WHERE c.id = ${row}.case_id
   ON CONFLICT (${DEADLINE_KEY}) DO UPDATE SET n = deadline_counts.n + ${delta}`;
/** All of a case's deadlines uncounted from the case row's old key. */
const caseDeadlinesOut = `UPDATE deadline_counts SET n = n - (
     SELECT COUNT(*) FROM deadlines d WHERE d.case_id = OLD.id AND d.id = deadline_counts.deadline AND d.due = deadline_counts.due
        AND COALESCE(d.met, -1) = deadline_counts.met AND ${SATISFIABLE('d')} = deadline_counts.satisfiable AND d.corrected = deadline_counts.corrected)
   WHERE partnership = OLD.partnership AND process = OLD.process AND process_version = OLD.process_version AND final = OLD.final
     AND deadline IN (SELECT id FROM deadlines WHERE case_id = OLD.id)`;
/** …and counted under the new one. Each deadline id is once per case: no key twice in one insert. */
const caseDeadlinesIn = `INSERT INTO deadline_counts (${DEADLINE_KEY}, n)
   SELECT NEW.partnership, NEW.process, NEW.process_version, NEW.final, d.id, d.due, COALESCE(d.met, -1), ${SATISFIABLE('d')}, d.corrected, 1
     FROM deadlines d WHERE d.case_id = NEW.id
   ON CONFLICT (${DEADLINE_KEY}) DO UPDATE SET n = deadline_counts.n + excluded.n`;

const HISTORY_KEY = 'partnership, process, process_version, day, type, from_state, to_state';
const historyStepIn = `INSERT INTO history_day_counts (${HISTORY_KEY}, n)
   SELECT c.partnership, c.process, c.process_version, substr(NEW.at, 1, 10), NEW.type, COALESCE(NEW.from_state, ''), NEW.to_state, 1
     FROM cases c WHERE c.id = NEW.case_id
   ON CONFLICT (${HISTORY_KEY}) DO UPDATE SET n = history_day_counts.n + 1`;
const caseStepsOut = `UPDATE history_day_counts SET n = n - (
     SELECT COUNT(*) FROM history h WHERE h.case_id = OLD.id AND substr(h.at, 1, 10) = history_day_counts.day AND h.type = history_day_counts.type
        AND COALESCE(h.from_state, '') = history_day_counts.from_state AND h.to_state = history_day_counts.to_state)
   WHERE partnership = OLD.partnership AND process = OLD.process AND process_version = OLD.process_version
     AND day IN (SELECT substr(at, 1, 10) FROM history WHERE case_id = OLD.id)`;
const caseStepsIn = `INSERT INTO history_day_counts (${HISTORY_KEY}, n)
   SELECT NEW.partnership, NEW.process, NEW.process_version, substr(h.at, 1, 10), h.type, COALESCE(h.from_state, ''), h.to_state, COUNT(*)
     FROM history h WHERE h.case_id = NEW.id
    GROUP BY substr(h.at, 1, 10), h.type, COALESCE(h.from_state, ''), h.to_state
   ON CONFLICT (${HISTORY_KEY}) DO UPDATE SET n = history_day_counts.n + excluded.n`;

const changed = (columns: string[]) => columns.map((c) => `OLD.${c} <> NEW.${c}`).join(' OR ');

const TRIGGERS: Trigger[] = [
  { name: 'deadlines_counted_in', on: 'INSERT ON deadlines', body: [NEXT_DUE('NEW.case_id'), deadlineCount('NEW', 1)] },
  { name: 'deadlines_counted_out', on: 'DELETE ON deadlines', body: [NEXT_DUE('OLD.case_id'), deadlineCount('OLD', -1)] },
  {
    name: 'deadlines_counted_again',
    on: 'UPDATE ON deadlines',
    body: [deadlineCount('OLD', -1), deadlineCount('NEW', 1), NEXT_DUE('OLD.case_id'), NEXT_DUE('NEW.case_id')],
  },
  { name: 'cases_counted_in', on: 'INSERT ON cases', body: [caseCount('NEW', 1)] },
  { name: 'cases_counted_out', on: 'DELETE ON cases', body: [caseCount('OLD', -1)] },
  {
    name: 'cases_counted_again',
    on: 'UPDATE OF partnership, process, process_version, state ON cases',
    when: changed(['partnership', 'process', 'process_version', 'state']),
    body: [caseMoved],
  },
  {
    name: 'cases_deadlines_moved',
    on: 'UPDATE OF partnership, process, process_version, final ON cases',
    when: changed(['partnership', 'process', 'process_version', 'final']),
    body: [caseDeadlinesOut, caseDeadlinesIn],
  },
  {
    name: 'cases_steps_moved',
    on: 'UPDATE OF partnership, process, process_version ON cases',
    when: changed(['partnership', 'process', 'process_version']),
    body: [caseStepsOut, caseStepsIn],
  },
  { name: 'history_counted_in', on: 'INSERT ON history', body: [historyStepIn] },
];

function createTrigger(dialect: Connection['dialect'], trigger: Trigger): string {
  const statements = trigger.body.map((s) => `${s};`).join('\n');
  if (dialect === 'sqlite') {
    return `CREATE TRIGGER ${trigger.name} AFTER ${trigger.on} FOR EACH ROW ${trigger.when === undefined ? '' : `WHEN ${trigger.when}`}
      BEGIN ${statements} END;`;
  }
  return `CREATE FUNCTION ${trigger.name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${statements} RETURN NULL; END $$;
    CREATE TRIGGER ${trigger.name} AFTER ${trigger.on} FOR EACH ROW ${trigger.when === undefined ? '' : `WHEN (${trigger.when})`} EXECUTE FUNCTION ${trigger.name}();`;
}

/**
 * SQLite's json_type for the `$.field` paths the queries use, as postgres-schema.sql gives
 * PostgreSQL SQLite's json_extract: the yearly summary counts outcome answers by value and needs to
 * tell a list (its JSON text) from a text. A document PostgreSQL cannot read reads as no value, as
 * json_extract's does.
 */
const POSTGRES_JSON_TYPE = `
  CREATE FUNCTION json_type(document TEXT, path TEXT) RETURNS TEXT
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  DECLARE
    found json;
  BEGIN
    found := document::json #> string_to_array(substr(path, 3), '.');
    RETURN CASE json_typeof(found)
      WHEN 'string' THEN 'text'
      WHEN 'number' THEN CASE WHEN found::text ~ '^-?[0-9]+$' THEN 'integer' ELSE 'real' END
      WHEN 'boolean' THEN found::text
      ELSE json_typeof(found)
    END;
  EXCEPTION WHEN invalid_text_representation OR untranslatable_character THEN
    RETURN NULL;
  END $$;
`;

export async function up(tx: Connection): Promise<void> {
  await tx.exec(TABLES);
  if (tx.dialect === 'postgres') await tx.exec(POSTGRES_JSON_TYPE);
  for (const trigger of TRIGGERS) await tx.exec(createTrigger(tx.dialect, trigger));
  // Filled for the rows there are by the same recount `npm run rebuild-aggregates` runs, named so
  // that an aggregate a later migration adds is not filled here, before its table exists.
  await rebuildAggregatesIn(tx, ['cases.next_due', 'case_counts', 'history_day_counts', 'deadline_counts']);
}
