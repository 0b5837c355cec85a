package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"formportal/store"
)

const apiKeyColumns = `id, name, hash, scope, created_at, expires_at, revoked_at`

func scanAPIKey(row interface{ Scan(...any) error }) (*store.APIKey, error) {
	var k store.APIKey
	var created, expires, revoked int64
	if err := row.Scan(&k.ID, &k.Name, &k.Hash, &k.Scope, &created, &expires, &revoked); err != nil {
		return nil, notFound(err)
	}
	k.CreatedAt, k.ExpiresAt, k.RevokedAt = fromMillis(created), fromMillis(expires), fromMillis(revoked)
	return &k, nil
}

// CreateAPIKey stores a key's hash; ErrConflict when the name is taken.
func (db *DB) CreateAPIKey(ctx context.Context, k *store.APIKey) error {
	// A key that never expires or may do anything unsaid is a mistake of the caller's, not a default.
	if k.ExpiresAt.IsZero() {
		return errors.New("create api key: no expiry")
	}
	if k.Scope != store.ScopeReadOnly && k.Scope != store.ScopeReadWrite {
		return fmt.Errorf("create api key: scope %q", k.Scope)
	}
	_, err := db.exec(ctx, `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Name, k.Hash, string(k.Scope), millis(k.CreatedAt), millis(k.ExpiresAt), millis(k.RevokedAt))
	if isUniqueViolation(err) {
		return store.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("create api key: %w", err)
	}
	return nil
}

// APIKeyByHash finds a key by the hash of the presented secret.
func (db *DB) APIKeyByHash(ctx context.Context, hash string) (*store.APIKey, error) {
	return scanAPIKey(db.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = ?`, hash))
}

// APIKeys lists every key, oldest first.
func (db *DB) APIKeys(ctx context.Context) ([]store.APIKey, error) {
	rows, err := db.query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	defer rows.Close()
	var out []store.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("list api keys: %w", err)
		}
		out = append(out, *k)
	}
	return out, rows.Err()
}

// RevokeAPIKey revokes a key not yet revoked.
func (db *DB) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("revoke api key %s: no time given", id)
	}
	return affectedOne(db.exec(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, millis(at), id))
}
