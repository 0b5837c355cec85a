-- A session's version moves on every change to the session or to its user, so a process that read a
-- session may check this one number on the next request instead of reading it again (sessionCache).
-- Triggers move it, so no statement, now or later, can change either row and leave it behind.
ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER sessions_version AFTER UPDATE ON sessions WHEN NEW.version = OLD.version
BEGIN
	UPDATE sessions SET version = OLD.version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER users_session_version AFTER UPDATE ON users
BEGIN
	UPDATE sessions SET version = version + 1 WHERE user_id = NEW.id;
END;
