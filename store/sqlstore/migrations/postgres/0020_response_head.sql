-- A response's head (who it is for, its form, status and version) is read on every page kept
-- (ResponseHead); as in SQLite, an index holding it lets the read leave the row and its payloads alone.
CREATE INDEX responses_head ON responses(id, kind, form_id, form_version, owner_email, owner_user_id, status, version);
