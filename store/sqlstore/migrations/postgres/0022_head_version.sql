-- A response's version moves with every change to its head (who it is for, its form, its status), so a
-- process may keep a head it read and check only the version (versionCache). A save moves it already;
-- this trigger moves it for any other statement that changes the head, such as adopting responses made
-- before form versions were kept.
CREATE FUNCTION responses_head_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.version = OLD.version AND (NEW.kind, NEW.form_id, NEW.form_version, NEW.owner_email, NEW.owner_user_id, NEW.status)
		IS DISTINCT FROM (OLD.kind, OLD.form_id, OLD.form_version, OLD.owner_email, OLD.owner_user_id, OLD.status) THEN
		NEW.version := OLD.version + 1;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER responses_head_version BEFORE UPDATE ON responses FOR EACH ROW EXECUTE FUNCTION responses_head_version();
