-- API keys expire, can be revoked and can be read-only. Keys made before this had no expiry: they get a
-- year from the upgrade, so no integration stops the day it is deployed, and keep full access. Names
-- become unique, since the audit log names a key by its name: a later key sharing a name is renamed
-- with the start of its id.
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'read-write';
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN revoked_at BIGINT NOT NULL DEFAULT 0;
UPDATE api_keys SET expires_at = CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT) + 31536000000; -- 365 days
UPDATE api_keys SET name = name || '-' || substr(id, 1, 6)
	WHERE EXISTS (SELECT 1 FROM api_keys o WHERE o.name = api_keys.name
		AND (o.created_at < api_keys.created_at OR o.created_at = api_keys.created_at AND o.id < api_keys.id));
CREATE UNIQUE INDEX api_keys_name ON api_keys(name);

-- The audit log is searched by person, by record and by date, newest first.
CREATE INDEX audit_actor ON audit(actor, seq);
CREATE INDEX audit_target ON audit(target, seq);
CREATE INDEX responses_reference ON responses(reference);
