-- A session's version moves on every change to the session or to its user, so a process that read a
-- session may check this one number on the next request instead of reading it again (sessionCache).
-- Triggers move it, so no statement, now or later, can change either row and leave it behind.
ALTER TABLE sessions ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION sessions_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.version := OLD.version + 1;
	RETURN NEW;
END $$;
CREATE TRIGGER sessions_version BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION sessions_version();

CREATE FUNCTION users_session_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE sessions SET version = version + 1 WHERE user_id = NEW.id;
	RETURN NULL;
END $$;
CREATE TRIGGER users_session_version AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_session_version();
