-- The sign-in throttle's failures (server/auth/login-throttle.ts) move from each server's memory to
-- the database, so several servers on one database give an attacker one allowance between them, not
-- one each, and a restart forgets nothing. One row per address and per username that has failed:
-- how many failures, and when they are forgotten (epoch ms, `windowMs` after the first, from the
-- throttle's own clock). Only a hash of the address or username is kept: a username field often
-- holds a password typed in the wrong box, and an address is personal data. Rows whose window is
-- over are deleted with the expired sessions. SQL both SQLite and PostgreSQL accept.
CREATE TABLE sign_in_failures (
  kind TEXT NOT NULL CHECK (kind IN ('address', 'username')),
  key_hash TEXT NOT NULL,
  failures INTEGER NOT NULL,
  reset_at BIGINT NOT NULL,
  PRIMARY KEY (kind, key_hash)
);
CREATE INDEX sign_in_failures_by_reset ON sign_in_failures (reset_at);
