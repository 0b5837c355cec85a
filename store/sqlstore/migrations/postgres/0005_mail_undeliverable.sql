-- A message the sender gave up on (the server refused it for good, or it could not be delivered in time)
-- has failed_at set and is no longer claimed; last_error keeps the server's reason. response_id links a
-- message to the delegation or referral it is about, so staff can see when its email did not arrive.
ALTER TABLE mail ADD COLUMN response_id TEXT NOT NULL DEFAULT '';
ALTER TABLE mail ADD COLUMN failed_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX mail_response ON mail(response_id);
