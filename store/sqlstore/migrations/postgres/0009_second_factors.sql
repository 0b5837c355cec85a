-- Staff accounts: a first password that must be changed, an admin's disabling, and an authenticator
-- app's secret, whose last used time step is kept so that a code works once.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- Single-use recovery codes for when the authenticator app is lost, each hashed with its own salt.
CREATE TABLE recovery_codes (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	salt       TEXT NOT NULL,
	hash       TEXT NOT NULL,
	used_at    BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- Browsers remembered after a sign-in code, so they are not asked for one for a while. The id is the
-- SHA-256 of the cookie's random token; deleting the rows revokes the cookies.
CREATE TABLE devices (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX devices_user ON devices(user_id);
CREATE INDEX devices_expires ON devices(expires_at);
