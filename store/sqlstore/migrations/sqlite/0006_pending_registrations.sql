-- A registration waits here until its emailed code is entered: the account exists only once its address
-- is proven, so registering an address that someone else is registering, or that has an account, changes
-- nothing of theirs. Each registration has its own code.
CREATE TABLE pending_registrations (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL,
	forename      TEXT NOT NULL,
	surname       TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	created_at    INTEGER NOT NULL
);
CREATE INDEX pending_registrations_email ON pending_registrations(email);
CREATE INDEX pending_registrations_created ON pending_registrations(created_at);

-- A code is sent for an account or for a pending registration, so its subject is either and has no
-- foreign key. SQLite cannot drop a foreign key: the table is made again.
CREATE TABLE codes_by_subject (
	id         TEXT PRIMARY KEY,
	subject_id TEXT NOT NULL,
	purpose    TEXT NOT NULL,
	hash       TEXT NOT NULL,
	tries      INTEGER NOT NULL DEFAULT 0,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
INSERT INTO codes_by_subject (id, subject_id, purpose, hash, tries, expires_at, used_at, created_at)
	SELECT id, user_id, purpose, hash, tries, expires_at, used_at, created_at FROM codes;
DROP TABLE codes;
ALTER TABLE codes_by_subject RENAME TO codes;
CREATE INDEX codes_subject ON codes(subject_id, purpose, created_at);
CREATE INDEX codes_expires ON codes(expires_at);

-- Accounts never verified were made by the old registration, which let anyone replace their password.
-- Nothing is reachable before verification, so they own nothing: their people register again.
DELETE FROM codes WHERE subject_id IN (SELECT id FROM users WHERE email_verified_at = 0 AND role = '');
DELETE FROM users WHERE email_verified_at = 0 AND role = '';
