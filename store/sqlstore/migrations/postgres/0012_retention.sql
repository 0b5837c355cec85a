-- Retention: a submission is kept a number of days after the case system first fetched it through the
-- API (fetched_at); a response kept past its period for statistics has its sensitive answers cleared
-- (anonymised_at), and is not anonymised again.
ALTER TABLE responses ADD COLUMN fetched_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE responses ADD COLUMN anonymised_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX responses_form ON responses(form_id, kind, status, updated_at);
CREATE INDEX mail_sent ON mail(sent_at);
CREATE INDEX mail_failed ON mail(failed_at);
CREATE INDEX attempts_at ON attempts(at);
