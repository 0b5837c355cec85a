package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"formportal/store"
)

// AddAPIEvent records an event at the next place in the feed, and its delivery to every endpoint.
func (db *DB) AddAPIEvent(ctx context.Context, e *store.APIEvent) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `UPDATE event_counter SET value = value + 1 RETURNING value`).Scan(&e.Seq); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.bind(`INSERT INTO api_events (seq, id, type, response_id, at, data) VALUES (?, ?, ?, ?, ?, ?)`),
			e.Seq, e.ID, e.Type, e.ResponseID, millis(e.At), string(e.Data)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.bind(`INSERT INTO webhook_deliveries (endpoint_id, event_seq, next_attempt_at) SELECT id, ?, ? FROM webhook_endpoints`),
			e.Seq, millis(e.At))
		return err
	})
	if err != nil {
		return fmt.Errorf("add api event %s: %w", e.Type, err)
	}
	return nil
}

const apiEventColumns = `seq, id, type, response_id, at, data`

func scanAPIEvent(row interface{ Scan(...any) error }, e *store.APIEvent) error {
	var at int64
	var data string
	if err := row.Scan(&e.Seq, &e.ID, &e.Type, &e.ResponseID, &at, &data); err != nil {
		return err
	}
	e.At, e.Data = fromMillis(at), []byte(data)
	return nil
}

// APIEventsAfter lists up to limit events after a place in the feed, in order.
func (db *DB) APIEventsAfter(ctx context.Context, after int64, limit int) ([]store.APIEvent, error) {
	rows, err := db.query(ctx, `SELECT `+apiEventColumns+` FROM api_events WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list api events: %w", err)
	}
	defer rows.Close()
	var out []store.APIEvent
	for rows.Next() {
		var e store.APIEvent
		if err := scanAPIEvent(rows, &e); err != nil {
			return nil, fmt.Errorf("list api events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateWebhookEndpoint stores an endpoint.
func (db *DB) CreateWebhookEndpoint(ctx context.Context, e *store.WebhookEndpoint) error {
	if _, err := db.exec(ctx, `INSERT INTO webhook_endpoints (id, url, secret, created_at) VALUES (?, ?, ?, ?)`,
		e.ID, e.URL, e.Secret, millis(e.CreatedAt)); err != nil {
		return fmt.Errorf("create webhook endpoint: %w", err)
	}
	return nil
}

// WebhookEndpoints lists the endpoints, oldest first.
func (db *DB) WebhookEndpoints(ctx context.Context) ([]store.WebhookEndpoint, error) {
	rows, err := db.query(ctx, `SELECT id, url, secret, created_at FROM webhook_endpoints ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	defer rows.Close()
	var out []store.WebhookEndpoint
	for rows.Next() {
		var e store.WebhookEndpoint
		var created int64
		if err := rows.Scan(&e.ID, &e.URL, &e.Secret, &created); err != nil {
			return nil, fmt.Errorf("list webhook endpoints: %w", err)
		}
		e.CreatedAt = fromMillis(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeleteWebhookEndpoint removes an endpoint and its deliveries.
func (db *DB) DeleteWebhookEndpoint(ctx context.Context, id string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.bind(`DELETE FROM webhook_deliveries WHERE endpoint_id = ?`), id); err != nil {
			return fmt.Errorf("delete webhook endpoint %s: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, db.bind(`DELETE FROM webhook_endpoints WHERE id = ?`), id)
		return affectedOne(res, err)
	})
}

const deliveryColumns = `d.id, d.attempts, d.next_attempt_at, d.delivered_at, d.failed_at, d.last_error,
	w.id, w.url, w.secret, w.created_at, e.seq, e.id, e.type, e.response_id, e.at, e.data`

const deliveryFrom = ` FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id JOIN api_events e ON e.seq = d.event_seq`

func scanDeliveries(rows *sql.Rows) ([]store.WebhookDelivery, error) {
	defer rows.Close()
	var out []store.WebhookDelivery
	for rows.Next() {
		var d store.WebhookDelivery
		var next, delivered, failed, created, at int64
		var data string
		if err := rows.Scan(&d.ID, &d.Attempts, &next, &delivered, &failed, &d.LastError,
			&d.Endpoint.ID, &d.Endpoint.URL, &d.Endpoint.Secret, &created,
			&d.Event.Seq, &d.Event.ID, &d.Event.Type, &d.Event.ResponseID, &at, &data); err != nil {
			return nil, err
		}
		d.NextAttemptAt, d.DeliveredAt, d.FailedAt, d.Endpoint.CreatedAt = fromMillis(next), fromMillis(delivered), fromMillis(failed), fromMillis(created)
		d.Event.At, d.Event.Data = fromMillis(at), []byte(data)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ClaimWebhookDeliveries takes each endpoint's oldest pending delivery, when due, until the lease ends.
func (db *DB) ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration) ([]store.WebhookDelivery, error) {
	var out []store.WebhookDelivery
	err := db.tx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if db.dialect == postgres {
			lock = " FOR UPDATE OF d SKIP LOCKED"
		}
		rows, err := tx.QueryContext(ctx, db.bind(`SELECT `+deliveryColumns+deliveryFrom+` WHERE d.delivered_at = 0 AND d.failed_at = 0 AND d.next_attempt_at <= ?
			AND d.event_seq = (SELECT MIN(p.event_seq) FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.delivered_at = 0 AND p.failed_at = 0)
			ORDER BY d.id`+lock), millis(now))
		if err != nil {
			return err
		}
		if out, err = scanDeliveries(rows); err != nil {
			return err
		}
		for i := range out {
			out[i].Attempts++
			if _, err := tx.ExecContext(ctx, db.bind(`UPDATE webhook_deliveries SET next_attempt_at = ?, attempts = ? WHERE id = ?`),
				millis(now.Add(lease)), out[i].Attempts, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return out, nil
}

// MarkWebhookDelivered records that the endpoint took the event.
func (db *DB) MarkWebhookDelivered(ctx context.Context, id int64, at time.Time) error {
	return affectedOne(db.exec(ctx, `UPDATE webhook_deliveries SET delivered_at = ?, last_error = '' WHERE id = ?`, millis(at), id))
}

// MarkWebhookAttemptFailed records a failed try.
func (db *DB) MarkWebhookAttemptFailed(ctx context.Context, id int64, next time.Time, reason string, failed bool) error {
	failedAt := int64(0)
	if failed {
		failedAt = millis(next)
	}
	return affectedOne(db.exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = ?, last_error = ?, failed_at = ? WHERE id = ?`,
		millis(next), reason, failedAt, id))
}

// FailedWebhookDeliveries lists the deliveries given up on, newest first.
func (db *DB) FailedWebhookDeliveries(ctx context.Context, limit int) ([]store.WebhookDelivery, error) {
	rows, err := db.query(ctx, `SELECT `+deliveryColumns+deliveryFrom+` WHERE d.failed_at > 0 ORDER BY d.failed_at DESC, d.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list failed webhook deliveries: %w", err)
	}
	out, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("list failed webhook deliveries: %w", err)
	}
	return out, nil
}

// ResendWebhookDelivery puts a failed delivery back in its endpoint's queue.
func (db *DB) ResendWebhookDelivery(ctx context.Context, id int64, at time.Time) error {
	return affectedOne(db.exec(ctx, `UPDATE webhook_deliveries SET failed_at = 0, attempts = 0, next_attempt_at = ? WHERE id = ? AND failed_at > 0`, millis(at), id))
}

// APIEventsPurgedThrough is the place before the feed's first event, or the last place given when the
// feed is empty: places are given without gaps, and events are removed from the start only.
func (db *DB) APIEventsPurgedThrough(ctx context.Context) (int64, error) {
	var through int64
	if err := db.queryRow(ctx, `SELECT COALESCE((SELECT MIN(seq) - 1 FROM api_events), (SELECT value FROM event_counter))`).Scan(&through); err != nil {
		return 0, fmt.Errorf("start of the api events: %w", err)
	}
	return through, nil
}

// DeleteAPIEventsBefore removes the events before the first that happened at or after before or that a
// delivery holds (an event being added is not yet counted, and comes after every place before it).
func (db *DB) DeleteAPIEventsBefore(ctx context.Context, before time.Time) (int, error) {
	return db.deleteCount(ctx, "delete old api events", `DELETE FROM api_events WHERE seq < COALESCE(
		(SELECT MIN(k.seq) FROM (SELECT MIN(seq) AS seq FROM api_events WHERE at >= ? UNION ALL SELECT MIN(event_seq) AS seq FROM webhook_deliveries) k),
		(SELECT value FROM event_counter) + 1)`, millis(before))
}

// DeleteWebhookDeliveriesBefore removes the deliveries delivered, or failed and not resent, before a time.
func (db *DB) DeleteWebhookDeliveriesBefore(ctx context.Context, before time.Time) (int, error) {
	return db.deleteCount(ctx, "delete old webhook deliveries", `DELETE FROM webhook_deliveries
		WHERE (delivered_at > 0 AND delivered_at < ?) OR (failed_at > 0 AND failed_at < ?)`, millis(before), millis(before))
}
