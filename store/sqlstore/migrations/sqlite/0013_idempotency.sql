-- The API's idempotent answers: the first answer to a POST made with an Idempotency-Key, by the API
-- key's id and the client's key, written in the transaction of the change it answers.
CREATE TABLE idempotent_answers (
	idem_key    TEXT PRIMARY KEY,
	fingerprint TEXT NOT NULL,
	status      INTEGER NOT NULL,
	location    TEXT NOT NULL,
	etag        TEXT NOT NULL,
	body        TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX idempotent_answers_created ON idempotent_answers(created_at);
