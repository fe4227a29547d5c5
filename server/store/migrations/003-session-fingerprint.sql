-- Each session is bound to a fingerprint of its user's partnership, roles and password hash (see
-- server/auth/users.ts): when the users file changes them, the user's sessions end. Sessions from
-- before this migration have none and end at their next use: everyone signs in once more.
ALTER TABLE sessions ADD COLUMN user_fingerprint TEXT NOT NULL DEFAULT '';
