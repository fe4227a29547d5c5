-- Immutable versions of each process: the resolved definition and the forms it uses, as canonical
-- JSON with its sha256. At start-up a process whose files differ from its newest stored version is
-- stored as the next number (see server/store/process-versions.ts); a case runs on the version
-- named by its `process_version`. A version is never changed or removed.
CREATE TABLE process_versions (
  partnership TEXT NOT NULL,
  process TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  hash TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (partnership, process, version)
);
CREATE INDEX process_versions_by_hash ON process_versions (partnership, process, hash);

CREATE TRIGGER process_versions_are_immutable_update BEFORE UPDATE ON process_versions
BEGIN SELECT RAISE(ABORT, 'a stored process version is never changed'); END;
CREATE TRIGGER process_versions_are_immutable_delete BEFORE DELETE ON process_versions
BEGIN SELECT RAISE(ABORT, 'a stored process version is never removed'); END;
