-- Council staff are users with a role; everything staff see and change is audited.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT '';

CREATE TABLE audit (
	seq    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at     BIGINT NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit(at);
