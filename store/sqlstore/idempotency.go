package sqlstore

import (
	"context"
	"fmt"
	"time"

	"formportal/store"
)

// SaveIdempotentAnswer keeps an answer; ErrConflict when its key has one already.
func (db *DB) SaveIdempotentAnswer(ctx context.Context, a *store.IdempotentAnswer) error {
	_, err := db.exec(ctx, `INSERT INTO idempotent_answers (idem_key, fingerprint, status, location, etag, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.Key, a.Fingerprint, a.Status, a.Location, a.ETag, string(a.Body), millis(a.CreatedAt))
	if isUniqueViolation(err) {
		return store.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("save idempotent answer: %w", err)
	}
	return nil
}

// IdempotentAnswer is the answer kept under key.
func (db *DB) IdempotentAnswer(ctx context.Context, key string) (*store.IdempotentAnswer, error) {
	a := store.IdempotentAnswer{Key: key}
	var body string
	var created int64
	err := db.queryRow(ctx, `SELECT fingerprint, status, location, etag, body, created_at FROM idempotent_answers WHERE idem_key = ?`, key).
		Scan(&a.Fingerprint, &a.Status, &a.Location, &a.ETag, &body, &created)
	if err != nil {
		return nil, notFound(err)
	}
	a.Body, a.CreatedAt = []byte(body), fromMillis(created)
	return &a, nil
}

// DeleteIdempotentAnswersBefore forgets the answers kept before a time.
func (db *DB) DeleteIdempotentAnswersBefore(ctx context.Context, before time.Time) (int, error) {
	res, err := db.exec(ctx, `DELETE FROM idempotent_answers WHERE created_at < ?`, millis(before))
	if err != nil {
		return 0, fmt.Errorf("delete idempotent answers: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
