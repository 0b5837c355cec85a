-- One row, rewritten by the readiness check to prove the database takes writes.
CREATE TABLE write_probe (
	id INTEGER PRIMARY KEY,
	at BIGINT NOT NULL
);

-- Keys shared by every portal process, made on first use.
CREATE TABLE secrets (
	name       TEXT PRIMARY KEY,
	value      BYTEA NOT NULL,
	created_at BIGINT NOT NULL
);
