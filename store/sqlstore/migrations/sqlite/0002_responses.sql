-- A response is one filling-in of a form: a delegation sent to a professional, or a referral drafted by a
-- user. Answers are kept as JSON exactly as typed (the draft); the submission is the cleaned JSON.
CREATE TABLE responses (
	id             TEXT PRIMARY KEY,
	kind           TEXT NOT NULL,               -- delegation | referral
	form_id        TEXT NOT NULL,
	sections       TEXT NOT NULL DEFAULT '[]',  -- delegated section ids; [] = all
	owner_email    TEXT NOT NULL DEFAULT '',    -- delegation: the professional it is addressed to
	owner_user_id  TEXT NOT NULL DEFAULT '',    -- referral: the user who drafts it
	owner_name     TEXT NOT NULL DEFAULT '',
	owner_org      TEXT NOT NULL DEFAULT '',
	case_data      TEXT NOT NULL DEFAULT '{}',
	answers        TEXT NOT NULL DEFAULT '{"values":{}}',
	submission     TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL,
	due_date       TEXT NOT NULL DEFAULT '',
	comments       TEXT NOT NULL DEFAULT '',
	reference      TEXT NOT NULL DEFAULT '',
	return_reason  TEXT NOT NULL DEFAULT '',
	return_comment TEXT NOT NULL DEFAULT '',
	previous_id    TEXT NOT NULL DEFAULT '',
	version        INTEGER NOT NULL DEFAULT 1,  -- bumped by every write, for optimistic concurrency
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	submitted_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX responses_owner_email ON responses(owner_email, kind, status);
CREATE INDEX responses_owner_user ON responses(owner_user_id, kind, status);
CREATE INDEX responses_updated ON responses(kind, status, updated_at);

CREATE TABLE response_events (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT, -- the order events happened in
	id          TEXT NOT NULL UNIQUE,
	response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
	at          INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	actor       TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX response_events_response ON response_events(response_id, at);

CREATE TABLE attachments (
	id          TEXT PRIMARY KEY,
	response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
	field_id    TEXT NOT NULL,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	media_type  TEXT NOT NULL,
	size        INTEGER NOT NULL,
	content     BLOB NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX attachments_response ON attachments(response_id);

CREATE TABLE api_keys (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);

CREATE TABLE auto_replies (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	starts_on  TEXT NOT NULL,
	ends_on    TEXT NOT NULL,
	message    TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX auto_replies_user ON auto_replies(user_id, ends_on);
