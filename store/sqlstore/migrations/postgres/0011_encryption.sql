-- Encryption at rest: a response's case data, answers and submission, and an attachment's content, are
-- sealed under a data key of the row's own (data_key), itself sealed under the master key key_id names.
-- The master keys are never in the database. key_id '' marks a row written before encryption was turned
-- on: it is read as it is, and `portal rotate-key` seals it.
ALTER TABLE responses ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN data_key BYTEA NOT NULL DEFAULT ''::bytea;
ALTER TABLE attachments ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN data_key BYTEA NOT NULL DEFAULT ''::bytea;
CREATE INDEX responses_key ON responses(key_id);
CREATE INDEX attachments_key ON attachments(key_id);
