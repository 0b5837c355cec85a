-- A response's head (who it is for, its form, status and version) is read on every page kept
-- (ResponseHead). In the table most of those columns lie after the answers, which for a chronology
-- fill a chain of overflow pages that reading them would walk; this index holds them, so the head is
-- read from it alone.
CREATE INDEX responses_head ON responses(id, kind, form_id, form_version, owner_email, owner_user_id, status, version);
