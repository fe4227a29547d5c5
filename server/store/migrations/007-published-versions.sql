-- Versions published through the app (the business unit's configuration pages), beside those read
-- from the files at start-up. `origin` says which; `published_by` is the person who published it
-- (null for a version from the files); `source` is the process file's own text, comments and all,
-- so that it can be downloaded and kept with the configuration (null for versions stored before
-- this migration, whose text was not kept). The immutability triggers of 005 still hold: adding
-- columns is no UPDATE, and every row is written whole, once.
ALTER TABLE process_versions ADD COLUMN origin TEXT NOT NULL DEFAULT 'files' CHECK (origin IN ('files', 'upload'));
ALTER TABLE process_versions ADD COLUMN published_by TEXT CHECK ((origin = 'upload') = (published_by IS NOT NULL));
ALTER TABLE process_versions ADD COLUMN source TEXT;
