-- A response's version moves with every change to its head (who it is for, its form, its status), so a
-- process may keep a head it read and check only the version (versionCache). A save moves it already;
-- this trigger moves it for any other statement that changes the head, such as adopting responses made
-- before form versions were kept.
CREATE TRIGGER responses_head_version AFTER UPDATE OF kind, form_id, form_version, owner_email, owner_user_id, status ON responses
WHEN NEW.version = OLD.version
BEGIN
	UPDATE responses SET version = OLD.version + 1 WHERE id = NEW.id;
END;
