package sqlstore

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"formportal/store/sealed"
)

// Sealed columns: the payloads encrypted at rest. Everything searched or listed by (owners, statuses,
// dates, references) stays in the clear.
const (
	sealCaseData   = "responses.case_data"
	sealAnswers    = "responses.answers"
	sealSubmission = "responses.submission"
	sealContent    = "attachments.content"
	// returnrounds.go
	sealRoundPrevious = "return_rounds.previous"
	sealRoundMarks    = "return_rounds.marks"
)

// ErrNoKeys is returned for a sealed row when the store was given no keys.
var ErrNoKeys = errors.New("the database holds encrypted data and no encryption key was given")

// UseKeys makes the store seal every response and attachment it writes from now on under the keyring's
// current key, and open rows sealed under any of its keys; nil keeps writing in the clear. It first checks
// that the keys open the data already stored: a key that is missing, or not the one the data was sealed
// under, fails here, clearly, rather than at the first read. Call it before the store serves.
func (db *DB) UseKeys(ctx context.Context, keys *sealed.Keyring) error {
	for _, table := range []string{"responses", "attachments"} {
		rows, err := db.query(ctx, `SELECT key_id, MIN(id) FROM `+table+` WHERE key_id <> '' GROUP BY key_id`)
		if err != nil {
			return fmt.Errorf("check encryption keys: %w", err)
		}
		type use struct{ keyID, id string }
		var uses []use
		for rows.Next() {
			var u use
			if err := rows.Scan(&u.keyID, &u.id); err != nil {
				rows.Close()
				return fmt.Errorf("check encryption keys: %w", err)
			}
			uses = append(uses, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("check encryption keys: %w", err)
		}
		for _, u := range uses {
			if keys == nil {
				return fmt.Errorf("%s are encrypted with key %q: %w", table, u.keyID, ErrNoKeys)
			}
			var wrapped []byte
			if err := db.queryRow(ctx, `SELECT data_key FROM `+table+` WHERE id = ?`, u.id).Scan(&wrapped); err != nil {
				return fmt.Errorf("check encryption key %q: %w", u.keyID, err)
			}
			if _, err := keys.DataKey(u.keyID, wrapped); err != nil {
				return fmt.Errorf("%s are encrypted with %w", table, err)
			}
		}
	}
	db.keys = keys
	return nil
}

// sealer seals one row's payloads under a fresh data key, or passes them in the clear without keys.
type sealer struct {
	dk *sealed.DataKey
}

func (db *DB) newSealer() (*sealer, error) {
	if db.keys == nil {
		return &sealer{}, nil
	}
	dk, err := db.keys.NewDataKey()
	if err != nil {
		return nil, err
	}
	return &sealer{dk: dk}, nil
}

// key is the row's key_id and data_key.
func (s *sealer) key() (string, []byte) {
	if s.dk == nil {
		return "", []byte{}
	}
	return s.dk.KeyID, s.dk.Wrapped
}

// bytes seals a binary payload.
func (s *sealer) bytes(plain []byte, column string) ([]byte, error) {
	if s.dk == nil {
		return plain, nil
	}
	out, err := s.dk.Seal(plain, column)
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", column, err)
	}
	return out, nil
}

// text seals a text payload as base64; an empty one stays empty.
func (s *sealer) text(plain, column string) (string, error) {
	if s.dk == nil || plain == "" {
		return plain, nil
	}
	out, err := s.bytes([]byte(plain), column)
	return base64.StdEncoding.EncodeToString(out), err
}

// opener opens one row's payloads: those of a row written in the clear (key id "") as they are.
type opener struct {
	dk *sealed.DataKey
}

func (db *DB) opener(keyID string, wrapped []byte) (*opener, error) {
	if keyID == "" {
		return &opener{}, nil
	}
	if db.keys == nil {
		return nil, fmt.Errorf("key %q: %w", keyID, ErrNoKeys)
	}
	dk, err := db.keys.DataKey(keyID, wrapped)
	if err != nil {
		return nil, err
	}
	return &opener{dk: dk}, nil
}

func (o *opener) bytes(sealed []byte, column string) ([]byte, error) {
	if o.dk == nil {
		return sealed, nil
	}
	plain, err := o.dk.Open(sealed, column)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", column, err)
	}
	return plain, nil
}

func (o *opener) text(sealed, column string) (string, error) {
	if o.dk == nil || sealed == "" {
		return sealed, nil
	}
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", column, err)
	}
	plain, err := o.bytes(raw, column)
	return string(plain), err
}
