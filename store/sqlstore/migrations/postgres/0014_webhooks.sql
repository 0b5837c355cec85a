-- Events a case system is told of, by webhook and in the API's event feed. seq is an event's place in
-- the feed, from event_counter, whose one row a writer holds until it commits: places are handed out in
-- commit order, so a reader following the feed never passes one still to be committed. data are ids and
-- links, never a child's details.
CREATE TABLE api_events (
	seq         BIGINT PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	type        TEXT NOT NULL,
	response_id TEXT NOT NULL,
	at          BIGINT NOT NULL,
	data        TEXT NOT NULL
);
CREATE TABLE event_counter (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	value BIGINT NOT NULL
);
INSERT INTO event_counter (id, value) VALUES (1, 0);

-- The council's webhook endpoints, each with its signing secret.
CREATE TABLE webhook_endpoints (
	id         TEXT PRIMARY KEY,
	url        TEXT NOT NULL,
	secret     TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

-- Each event on its way to each endpoint: the durable outbox of webhooks. An endpoint is sent its oldest
-- pending delivery only, so it receives events in order; after the last try a delivery is failed and shown
-- to admins, who can resend it.
CREATE TABLE webhook_deliveries (
	id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
	event_seq       BIGINT NOT NULL REFERENCES api_events(seq),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	delivered_at    BIGINT NOT NULL DEFAULT 0,
	failed_at       BIGINT NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	UNIQUE (endpoint_id, event_seq)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(endpoint_id, delivered_at, failed_at, event_seq);
