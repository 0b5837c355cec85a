-- The back-office API pages its lists by the order in which responses took their status. list_seq is a
-- response's place in that order and list_status the status it was placed with: a write that leaves the
-- response in another status gives it the next place from list_counter. The counter is one row whose
-- lock a writer holds until it commits, so places are handed out in commit order and a reader following
-- them never passes a place that is still to be committed.
ALTER TABLE responses ADD COLUMN list_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE responses ADD COLUMN list_status TEXT NOT NULL DEFAULT '';

UPDATE responses SET list_seq = placed.n, list_status = responses.status
	FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY updated_at, id) AS n FROM responses) AS placed
	WHERE placed.id = responses.id;

CREATE TABLE list_counter (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	value BIGINT NOT NULL
);
INSERT INTO list_counter (id, value) SELECT 1, COALESCE(MAX(list_seq), 0) FROM responses;

CREATE INDEX responses_list ON responses(kind, status, list_seq);
