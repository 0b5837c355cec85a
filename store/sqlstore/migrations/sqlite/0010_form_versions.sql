-- Published versions of the forms, immutable: a response keeps the version it was started with and is
-- always shown, validated and described with it. Responses made before this have version 0 until the
-- portal first publishes their form, which records its version on them.
CREATE TABLE form_versions (
	form_id      TEXT NOT NULL,
	version      INTEGER NOT NULL,
	hash         TEXT NOT NULL,    -- of the definition's content, to refuse a changed definition under a published version
	definition   TEXT NOT NULL,    -- the YAML file as published
	published_at INTEGER NOT NULL,
	published_by TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (form_id, version)
);
ALTER TABLE responses ADD COLUMN form_version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX responses_form_version ON responses(form_id, form_version, status);
