-- Cases, their append-only history, and what the engine derives from it.
CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  partnership TEXT NOT NULL,
  process TEXT NOT NULL,
  process_version INTEGER NOT NULL,
  state TEXT NOT NULL,
  final INTEGER NOT NULL CHECK (final IN (0, 1)),
  version INTEGER NOT NULL CHECK (version >= 1),
  data TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX cases_by_partnership ON cases (partnership, created_at DESC, id DESC);
CREATE INDEX cases_by_state ON cases (partnership, process, state);

-- One row per transition. `position` orders every row of every case, so the hash chain
-- (each row's hash covers the previous row's) shows an edited, inserted or deleted row.
CREATE TABLE history (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT NOT NULL REFERENCES cases (id),
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (case_id, seq)
);
CREATE INDEX history_by_time ON history (at);

CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;

CREATE TABLE deadlines (
  case_id TEXT NOT NULL REFERENCES cases (id),
  id TEXT NOT NULL,
  label TEXT NOT NULL,
  due TEXT NOT NULL,
  satisfied_by TEXT,
  met INTEGER CHECK (met IN (0, 1)),
  PRIMARY KEY (case_id, id)
);
CREATE INDEX deadlines_open ON deadlines (due) WHERE met IS NULL AND satisfied_by IS NOT NULL;

CREATE TABLE tasks (
  case_id TEXT NOT NULL REFERENCES cases (id),
  id TEXT NOT NULL,
  label TEXT NOT NULL,
  done INTEGER NOT NULL CHECK (done IN (0, 1)),
  position INTEGER NOT NULL,
  PRIMARY KEY (case_id, id)
);

-- Durable timers: an event the engine sends once its date has come, if the case is still in `state`.
CREATE TABLE timers (
  case_id TEXT NOT NULL REFERENCES cases (id),
  state TEXT NOT NULL,
  event TEXT NOT NULL,
  fire_on TEXT NOT NULL,
  PRIMARY KEY (case_id, state, event)
);
CREATE INDEX timers_due ON timers (fire_on);

CREATE TABLE links (
  case_id TEXT NOT NULL REFERENCES cases (id),
  linked_case_id TEXT NOT NULL REFERENCES cases (id),
  relation TEXT NOT NULL,
  PRIMARY KEY (case_id, linked_case_id)
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
