CREATE TABLE users (
	id                TEXT PRIMARY KEY,
	email             TEXT NOT NULL UNIQUE,
	forename          TEXT NOT NULL,
	surname           TEXT NOT NULL,
	organisation      TEXT NOT NULL DEFAULT '',
	phone             TEXT NOT NULL DEFAULT '',
	password_hash     TEXT NOT NULL,
	email_verified_at INTEGER NOT NULL DEFAULT 0,
	terms_accepted_at INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL
);

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	user_id      TEXT REFERENCES users(id) ON DELETE CASCADE,
	csrf_token   TEXT NOT NULL,
	data         TEXT NOT NULL DEFAULT '{}',
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE codes (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	purpose    TEXT NOT NULL,
	hash       TEXT NOT NULL,
	tries      INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE INDEX codes_user ON codes(user_id, purpose, created_at);

CREATE TABLE attempts (
	key TEXT NOT NULL,
	at  INTEGER NOT NULL
);
CREATE INDEX attempts_key ON attempts(key, at);

CREATE TABLE mail (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	recipient       TEXT NOT NULL,
	subject         TEXT NOT NULL,
	body            TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	sent_at         INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_due ON mail(sent_at, next_attempt_at);
