package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"formportal/store"
)

// Audit records an entry of the audit log.
func (db *DB) Audit(ctx context.Context, e store.AuditEntry) error {
	if _, err := db.exec(ctx, `INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)`,
		millis(e.At), e.Actor, e.Action, e.Target, e.Detail); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditLog lists the entries f selects, newest first. A record is matched by the response's id or by its
// reference, which a returned referral's copies share.
func (db *DB) AuditLog(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	if f.Limit <= 0 {
		return nil, fmt.Errorf("audit log: limit %d must be positive", f.Limit)
	}
	var where []string
	var args []any
	if f.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, f.Actor)
	}
	if f.Record != "" {
		where = append(where, "(target = ? OR target IN (SELECT id FROM responses WHERE reference = ?))")
		args = append(args, f.Record, f.Record)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, millis(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, millis(f.To))
	}
	if f.Before > 0 {
		where, args = append(where, "seq < ?"), append(args, f.Before)
	}
	q := `SELECT seq, at, actor, action, target, detail FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := db.query(ctx, q+` ORDER BY seq DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		e.At = fromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
