-- A multi-agency request: one form (or the same delegable sections) sent for one family to several
-- professionals at once. Each professional's contribution is a delegation in responses whose request_id
-- names it ('' for a delegation sent on its own), request_pos its place in it. The request holds no child's details.
CREATE TABLE requests (
	id           TEXT PRIMARY KEY,
	form_id      TEXT NOT NULL,
	form_version INTEGER NOT NULL,
	sections     TEXT NOT NULL DEFAULT '[]',
	created_by   TEXT NOT NULL,
	created_at   INTEGER NOT NULL
);
CREATE INDEX requests_created ON requests(created_at);

ALTER TABLE responses ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN request_pos INTEGER NOT NULL DEFAULT 0;
CREATE INDEX responses_request ON responses(request_id, request_pos);
