package sqlstore

import (
	"context"
	"errors"
	"fmt"
)

// Rotation is what one pass of RotateKeys did.
type Rotation struct {
	Rewrapped int // rows whose data key was sealed again under the current key
	Sealed    int // rows written in the clear, now sealed
	Remaining int // rows still under another key or none: written meanwhile by a process with older keys
}

// RotateKeys brings every response and attachment under the current key, batch rows a transaction, while
// the portal serves: a row sealed under an older key has its data key rewrapped (its payload stays as
// it is), a row in the clear is sealed. Each write is guarded by what was read, so a save made meanwhile
// is never overwritten: it wrote the row under its own process's current key, and Remaining counts the
// rows left under another one.
func (db *DB) RotateKeys(ctx context.Context, batch int) (Rotation, error) {
	var out Rotation
	if db.keys == nil {
		return out, errors.New("rotate keys: no encryption key given")
	}
	for _, t := range []struct {
		table string
		seal  func(ctx context.Context, id string) (bool, error)
	}{{"responses", db.sealResponse}, {"attachments", db.sealAttachment}} {
		after := ""
		for {
			type row struct {
				id, keyID string
				wrapped   []byte
			}
			var rows []row
			q, err := db.query(ctx, `SELECT id, key_id, data_key FROM `+t.table+` WHERE key_id <> ? AND id > ? ORDER BY id LIMIT ?`, db.keys.Current(), after, batch)
			if err != nil {
				return out, fmt.Errorf("rotate keys of %s: %w", t.table, err)
			}
			for q.Next() {
				var r row
				if err := q.Scan(&r.id, &r.keyID, &r.wrapped); err != nil {
					q.Close()
					return out, fmt.Errorf("rotate keys of %s: %w", t.table, err)
				}
				rows = append(rows, r)
			}
			q.Close()
			if err := q.Err(); err != nil {
				return out, fmt.Errorf("rotate keys of %s: %w", t.table, err)
			}
			for _, r := range rows {
				after = r.id
				if r.keyID == "" {
					done, err := t.seal(ctx, r.id)
					if err != nil {
						return out, fmt.Errorf("seal %s %s: %w", t.table, r.id, err)
					}
					if done {
						out.Sealed++
					}
					continue
				}
				rewrapped, err := db.keys.Rewrap(r.keyID, r.wrapped)
				if err != nil {
					return out, fmt.Errorf("rotate key of %s %s: %w", t.table, r.id, err)
				}
				res, err := db.exec(ctx, `UPDATE `+t.table+` SET key_id = ?, data_key = ? WHERE id = ? AND key_id = ? AND data_key = ?`,
					db.keys.Current(), rewrapped, r.id, r.keyID, r.wrapped)
				if err != nil {
					return out, fmt.Errorf("rotate key of %s %s: %w", t.table, r.id, err)
				}
				if n, _ := res.RowsAffected(); n == 1 {
					out.Rewrapped++
				}
			}
			if len(rows) < batch {
				break
			}
		}
		var left int
		if err := db.queryRow(ctx, `SELECT COUNT(*) FROM `+t.table+` WHERE key_id <> ?`, db.keys.Current()).Scan(&left); err != nil {
			return out, fmt.Errorf("count %s left to rotate: %w", t.table, err)
		}
		out.Remaining += left
	}
	return out, nil
}

// sealResponse seals a response written in the clear, unless it was written again since it was read.
// Its version stays: sealing changes how it is kept, not what it says.
func (db *DB) sealResponse(ctx context.Context, id string) (bool, error) {
	r, err := db.Response(ctx, id)
	if err != nil {
		return false, err
	}
	p, err := db.sealPayloads(r)
	if err != nil {
		return false, err
	}
	res, err := db.exec(ctx, `UPDATE responses SET case_data = ?, answers = ?, submission = ?, key_id = ?, data_key = ? WHERE id = ? AND version = ? AND key_id = ''`,
		p.caseData, p.answers, p.submission, p.keyID, p.wrapped, id, r.Version)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// sealAttachment seals a document stored in the clear; documents never change once stored.
func (db *DB) sealAttachment(ctx context.Context, id string) (bool, error) {
	a, err := db.Attachment(ctx, id)
	if err != nil {
		return false, err
	}
	s, err := db.newSealer()
	if err != nil {
		return false, err
	}
	content, err := s.bytes(a.Content, sealContent)
	if err != nil {
		return false, err
	}
	keyID, wrapped := s.key()
	res, err := db.exec(ctx, `UPDATE attachments SET content = ?, key_id = ?, data_key = ? WHERE id = ? AND key_id = ''`, content, keyID, wrapped, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
