-- Reminders of delegations' due dates: one row for each email to send, made when a delegation is sent,
-- re-assigned or returned, and those not sent dropped when it is submitted or retracted. claimed_until is
-- the lease of the process sending it, as the mail outbox's next_attempt_at is; sent_at is set in the
-- transaction that queues the email, so each reminder is sent once however many processes run.
CREATE TABLE reminders (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	response_id   TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
	to_email      TEXT NOT NULL,
	days_before   INTEGER NOT NULL,
	due_date      TEXT NOT NULL,
	send_at       BIGINT NOT NULL,
	claimed_until BIGINT NOT NULL DEFAULT 0,
	sent_at       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX reminders_due ON reminders(sent_at, send_at);
CREATE INDEX reminders_response ON reminders(response_id);

-- A delegation's own reminder schedule, when the council gave it one; the others follow their form's.
-- days is a JSON array of days before the due date.
CREATE TABLE reminder_schedules (
	response_id TEXT PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
	days        TEXT NOT NULL
);

-- The daily digests of overdue and undeliverable delegations sent to members of staff: one row a day each,
-- written in the transaction that queues the email, so several processes send it once.
CREATE TABLE reminder_digests (
	staff_email TEXT NOT NULL,
	day         TEXT NOT NULL,
	sent_at     BIGINT NOT NULL,
	PRIMARY KEY (staff_email, day)
);
