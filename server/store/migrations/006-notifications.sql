-- Being told (server/notify/): a person's notifications in the app, and the email jobs that carry
-- them (an outbox). Both are written in the transaction of the transition (or the reminder check)
-- that causes them. Neither holds any of the case's own text: only its reference, the stage's and
-- the deadline's labels from the configuration, the roles waited for and dates.
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- One notification per cause and person: `waiting:<case>:<seq>:<user>`, `due-soon:<case>:<deadline>:<due>:<user>`, …
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

-- One email job per notification (the unique notification_id: a notification is mailed once).
-- state: pending → sending (claimed, in flight) → sent; a job found `sending` at start-up was in
-- flight when the server died and becomes `unknown`, never sent again (at most once, see worker.ts).
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notification_id INTEGER NOT NULL UNIQUE REFERENCES notifications (id),
  email TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'unknown', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
