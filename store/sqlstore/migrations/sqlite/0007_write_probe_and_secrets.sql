-- One row, rewritten by the readiness check to prove the database takes writes.
CREATE TABLE write_probe (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL
);

-- Keys shared by every portal process, made on first use.
CREATE TABLE secrets (
	name       TEXT PRIMARY KEY,
	value      BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
