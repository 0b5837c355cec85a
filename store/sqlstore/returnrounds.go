package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"formportal/store"
)

// AddReturnRound keeps a round, its submission and marks sealed under a fresh data key.
func (db *DB) AddReturnRound(ctx context.Context, rr *store.ReturnRound) error {
	s, err := db.newSealer()
	if err != nil {
		return fmt.Errorf("add return round: %w", err)
	}
	previous, err := s.text(string(rr.Previous), sealRoundPrevious)
	if err != nil {
		return fmt.Errorf("add return round: %w", err)
	}
	marks, err := s.text(string(rr.Marks), sealRoundMarks)
	if err != nil {
		return fmt.Errorf("add return round: %w", err)
	}
	keyID, wrapped := s.key()
	err = db.tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, db.bind(`INSERT INTO return_rounds (response_id, returned_at, previous, marks, key_id, data_key) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
			rr.ResponseID, millis(rr.ReturnedAt), previous, marks, keyID, wrapped).Scan(&rr.ID)
	})
	if err != nil {
		return fmt.Errorf("add return round of %s: %w", rr.ResponseID, err)
	}
	return nil
}

// ReturnRoundsOf lists a response's rounds, oldest first.
func (db *DB) ReturnRoundsOf(ctx context.Context, responseID string) ([]store.ReturnRound, error) {
	rows, err := db.query(ctx, `SELECT id, response_id, returned_at, previous, marks, key_id, data_key FROM return_rounds WHERE response_id = ? ORDER BY id`, responseID)
	if err != nil {
		return nil, fmt.Errorf("return rounds of %s: %w", responseID, err)
	}
	defer rows.Close()
	var out []store.ReturnRound
	for rows.Next() {
		var rr store.ReturnRound
		var at int64
		var previous, marks, keyID string
		var wrapped []byte
		if err := rows.Scan(&rr.ID, &rr.ResponseID, &at, &previous, &marks, &keyID, &wrapped); err != nil {
			return nil, fmt.Errorf("return rounds of %s: %w", responseID, err)
		}
		o, err := db.opener(keyID, wrapped)
		if err == nil {
			previous, err = o.text(previous, sealRoundPrevious)
		}
		if err == nil {
			marks, err = o.text(marks, sealRoundMarks)
		}
		if err != nil {
			return nil, fmt.Errorf("return round %d: %w", rr.ID, err)
		}
		rr.ReturnedAt, rr.Previous, rr.Marks = fromMillis(at), json.RawMessage(previous), json.RawMessage(marks)
		out = append(out, rr)
	}
	return out, rows.Err()
}

// DeleteReturnRoundsOf removes a response's rounds.
func (db *DB) DeleteReturnRoundsOf(ctx context.Context, responseID string) error {
	if _, err := db.exec(ctx, `DELETE FROM return_rounds WHERE response_id = ?`, responseID); err != nil {
		return fmt.Errorf("delete return rounds of %s: %w", responseID, err)
	}
	return nil
}
