package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"formportal/store"
)

// DeleteResponse removes a response; its history and documents go with it (ON DELETE CASCADE).
func (db *DB) DeleteResponse(ctx context.Context, id string) error {
	return affectedOne(db.exec(ctx, `DELETE FROM responses WHERE id = ?`, id))
}

// MarkFetched records the first fetch of each response's latest submission by the case system: a fetch
// of an earlier submission (before a return and a resubmission) does not count for the latest.
func (db *DB) MarkFetched(ctx context.Context, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	args := []any{millis(at)}
	for _, id := range ids {
		args = append(args, id)
	}
	if _, err := db.exec(ctx, `UPDATE responses SET fetched_at = ? WHERE ( fetched_at < submitted_at OR fetched_at = 0) AND id IN (`+marks+`)`, args...); err != nil {
		return fmt.Errorf("mark fetched: %w", err)
	}
	return nil
}

// DeleteAttachmentsOf removes a response's documents.
func (db *DB) DeleteAttachmentsOf(ctx context.Context, responseID string) (int, error) {
	return db.deleteCount(ctx, "delete documents", `DELETE FROM attachments WHERE response_id = ?`, responseID)
}

// ClearMailBodiesBefore empties the text of messages sent or given up on before a time.
func (db *DB) ClearMailBodiesBefore(ctx context.Context, before time.Time) (int, error) {
	b := millis(before)
	return db.deleteCount(ctx, "clear old mail", `UPDATE mail SET body = '' WHERE body <> '' AND ((sent_at > 0 AND sent_at < ?) OR (failed_at > 0 AND failed_at < ?))`, b, b)
}

// DeleteMailBefore removes messages sent or given up on before a time.
func (db *DB) DeleteMailBefore(ctx context.Context, before time.Time) (int, error) {
	b := millis(before)
	return db.deleteCount(ctx, "delete old mail", `DELETE FROM mail WHERE (sent_at > 0 AND sent_at < ?) OR (failed_at > 0 AND failed_at < ?)`, b, b)
}

// MailTo lists the messages to an address, newest first.
func (db *DB) MailTo(ctx context.Context, to string) ([]store.Mail, error) {
	rows, err := db.query(ctx, `SELECT `+mailColumns+` FROM mail WHERE LOWER(recipient) = ? ORDER BY id DESC`, strings.ToLower(to))
	if err != nil {
		return nil, fmt.Errorf("list mail to an address: %w", err)
	}
	return scanMail(rows)
}

// DeleteAuditBefore removes audit entries made before a time.
func (db *DB) DeleteAuditBefore(ctx context.Context, before time.Time) (int, error) {
	return db.deleteCount(ctx, "delete old audit entries", `DELETE FROM audit WHERE at < ?`, millis(before))
}
