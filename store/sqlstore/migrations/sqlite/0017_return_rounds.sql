-- Each return of a submission for more information: the submission returned (so the next one can be shown
-- beside it as what changed) and the council's comments on its questions and rows. response_id is the
-- response open for changes after the return: the delegation itself, or a referral's reopened copy.
-- previous and marks are sealed as a response's payloads are, under the row's own data key.
CREATE TABLE return_rounds (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
	returned_at INTEGER NOT NULL,
	previous    TEXT NOT NULL,
	marks       TEXT NOT NULL,
	key_id      TEXT NOT NULL DEFAULT '',
	data_key    BLOB NOT NULL
);
CREATE INDEX return_rounds_response ON return_rounds(response_id, id);
