package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"formportal/store"
)

// CreateRequest stores a multi-agency request.
func (db *DB) CreateRequest(ctx context.Context, q *store.Request) error {
	sections, err := json.Marshal(q.Sections)
	if err != nil || q.Sections == nil {
		sections = []byte("[]")
	}
	if _, err := db.exec(ctx, `INSERT INTO requests (id, form_id, form_version, sections, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		q.ID, q.FormID, q.FormVersion, string(sections), q.CreatedBy, millis(q.CreatedAt)); err != nil {
		return fmt.Errorf("create request: %w", err)
	}
	return nil
}

const selectRequest = `SELECT id, form_id, form_version, sections, created_by, created_at FROM requests`

func scanRequest(row interface{ Scan(...any) error }) (*store.Request, error) {
	var q store.Request
	var sections string
	var at int64
	if err := row.Scan(&q.ID, &q.FormID, &q.FormVersion, &sections, &q.CreatedBy, &at); err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(sections), &q.Sections); err != nil {
		return nil, fmt.Errorf("request %s sections: %w", q.ID, err)
	}
	q.CreatedAt = fromMillis(at)
	return &q, nil
}

// Request reads one request.
func (db *DB) Request(ctx context.Context, id string) (*store.Request, error) {
	q, err := scanRequest(db.queryRow(ctx, selectRequest+` WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", id, err)
	}
	return q, nil
}

// ListRequests lists the newest requests first.
func (db *DB) ListRequests(ctx context.Context, limit int) ([]store.Request, error) {
	rows, err := db.query(ctx, selectRequest+` ORDER BY created_at DESC, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	defer rows.Close()
	var out []store.Request
	for rows.Next() {
		q, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *q)
	}
	return out, rows.Err()
}

// AddToRequest marks a response as one of a request's delegations, the last in its order.
func (db *DB) AddToRequest(ctx context.Context, requestID, responseID string) error {
	res, err := db.exec(ctx, `UPDATE responses SET request_id = ?,
		request_pos = (SELECT COUNT(*) + 1 FROM responses WHERE request_id = ?) WHERE id = ?`, requestID, requestID, responseID)
	if err != nil {
		return fmt.Errorf("add %s to request %s: %w", responseID, requestID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("add %s to request %s: %w", responseID, requestID, store.ErrNotFound)
	}
	return nil
}

// RequestResponses lists a request's delegations in the order they were added.
func (db *DB) RequestResponses(ctx context.Context, requestID string) ([]*store.Response, error) {
	return db.listResponses(ctx, selectResponse+` WHERE request_id = ? ORDER BY request_pos`, []any{requestID})
}
