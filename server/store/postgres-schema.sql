-- The PostgreSQL schema as SQLite's migrations 001–007 leave it (see migrations/ for what each
-- column means), created in one transaction on an empty database and recorded as those seven
-- migrations. A PostgreSQL database has no history written by older versions to upgrade, so it
-- starts here; every migration after 007 is written for both dialects (a .ts migration reads
-- `tx.dialect`). Booleans stay INTEGER 0/1 and times stay ISO text, as in SQLite, so every query
-- and every hash reads the same on both; times in milliseconds are BIGINT.

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
  updated_at TEXT NOT NULL,
  reference TEXT
);
CREATE INDEX cases_by_partnership ON cases (partnership, created_at DESC, id DESC);
CREATE INDEX cases_by_state ON cases (partnership, process, state);
CREATE UNIQUE INDEX cases_reference ON cases (partnership, reference);

CREATE TABLE history (
  position INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
  partnership TEXT NOT NULL,
  process TEXT NOT NULL,
  process_version INTEGER NOT NULL,
  effects TEXT NOT NULL,
  UNIQUE (case_id, seq)
);
CREATE INDEX history_by_time ON history (at);

-- Refused in the database itself, as SQLite's RAISE(ABORT) triggers refuse it: whoever can connect
-- as the application cannot quietly rewrite the record (TRUNCATE included).
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
  FOR EACH ROW EXECUTE FUNCTION refuse_change('history is append-only');
CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
  FOR EACH ROW EXECUTE FUNCTION refuse_change('history is append-only');
CREATE TRIGGER history_is_append_only_truncate BEFORE TRUNCATE ON history
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('history is append-only');

CREATE TABLE deadlines (
  case_id TEXT NOT NULL REFERENCES cases (id),
  id TEXT NOT NULL,
  label TEXT NOT NULL,
  due TEXT NOT NULL,
  satisfied_by TEXT,
  met INTEGER CHECK (met IN (0, 1)),
  corrected INTEGER NOT NULL DEFAULT 0 CHECK (corrected IN (0, 1)),
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
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  user_fingerprint TEXT NOT NULL DEFAULT ''
);

CREATE TABLE calendars_in_force (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, checked_at TEXT NOT NULL);

CREATE TABLE audit_epochs (
  id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at TEXT NOT NULL,
  reason TEXT NOT NULL,
  rows INTEGER NOT NULL,
  old_head_hash TEXT NOT NULL,
  new_head_hash TEXT NOT NULL
);

CREATE TABLE process_versions (
  partnership TEXT NOT NULL,
  process TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  hash TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at TEXT NOT NULL,
  origin TEXT NOT NULL DEFAULT 'files' CHECK (origin IN ('files', 'upload')),
  published_by TEXT CHECK ((origin = 'upload') = (published_by IS NOT NULL)),
  source TEXT,
  PRIMARY KEY (partnership, process, version)
);
CREATE INDEX process_versions_by_hash ON process_versions (partnership, process, hash);
CREATE TRIGGER process_versions_are_immutable_update BEFORE UPDATE ON process_versions
  FOR EACH ROW EXECUTE FUNCTION refuse_change('a stored process version is never changed');
CREATE TRIGGER process_versions_are_immutable_delete BEFORE DELETE ON process_versions
  FOR EACH ROW EXECUTE FUNCTION refuse_change('a stored process version is never removed');
CREATE TRIGGER process_versions_are_immutable_truncate BEFORE TRUNCATE ON process_versions
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a stored process version is never removed');

CREATE TABLE notifications (
  id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  recipient TEXT NOT NULL,
  partnership TEXT NOT NULL,
  case_id TEXT NOT NULL REFERENCES cases (id),
  kind TEXT NOT NULL CHECK (kind IN ('waiting', 'due-soon', 'overdue')),
  reference TEXT,
  stage TEXT NOT NULL,
  waiting_for TEXT NOT NULL,
  deadline_label TEXT,
  due TEXT,
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX notifications_by_recipient ON notifications (recipient, id);

CREATE TABLE outbox (
  id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  notification_id INTEGER NOT NULL UNIQUE REFERENCES notifications (id),
  email TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'unknown', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- SQLite's json_extract for the `$.field` paths the queries use, so one SQL text serves both. An
-- answer whose text PostgreSQL cannot hold (a NUL, a lone surrogate: JSON escapes that SQLite keeps)
-- reads as NULL rather than failing the whole query; only text with an escape pays for the check.
CREATE FUNCTION json_extract(document TEXT, path TEXT) RETURNS TEXT
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
BEGIN
  IF strpos(document, '\u') = 0 THEN
    RETURN document::json #>> string_to_array(substr(path, 3), '.');
  END IF;
  BEGIN
    RETURN document::json #>> string_to_array(substr(path, 3), '.');
  EXCEPTION WHEN untranslatable_character OR invalid_text_representation THEN
    RETURN NULL;
  END;
END;
$$;
