CREATE TABLE users (
	id                TEXT PRIMARY KEY,
	email             TEXT NOT NULL UNIQUE,
	forename          TEXT NOT NULL,
	surname           TEXT NOT NULL,
	organisation      TEXT NOT NULL DEFAULT '',
	phone             TEXT NOT NULL DEFAULT '',
	password_hash     TEXT NOT NULL,
	email_verified_at BIGINT NOT NULL DEFAULT 0,
	terms_accepted_at BIGINT NOT NULL DEFAULT 0,
	created_at        BIGINT NOT NULL
);

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	user_id      TEXT REFERENCES users(id) ON DELETE CASCADE,
	csrf_token   TEXT NOT NULL,
	data         TEXT NOT NULL DEFAULT '{}',
	created_at   BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE codes (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	purpose    TEXT NOT NULL,
	hash       TEXT NOT NULL,
	tries      BIGINT NOT NULL DEFAULT 0,
	expires_at BIGINT NOT NULL,
	used_at    BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX codes_user ON codes(user_id, purpose, created_at);

CREATE TABLE attempts (
	key TEXT NOT NULL,
	at  BIGINT NOT NULL
);
CREATE INDEX attempts_key ON attempts(key, at);

CREATE TABLE mail (
	id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	recipient       TEXT NOT NULL,
	subject         TEXT NOT NULL,
	body            TEXT NOT NULL,
	created_at      BIGINT NOT NULL,
	attempts        BIGINT NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	sent_at         BIGINT NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_due ON mail(sent_at, next_attempt_at);
