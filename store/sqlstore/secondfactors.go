package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"formportal/store"
)

// UseTOTPStep records an accepted authenticator time step, only if it is later than the last one.
func (db *DB) UseTOTPStep(ctx context.Context, userID string, step int64) error {
	res, err := db.exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return fmt.Errorf("use totp step: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrConflict
	}
	return nil
}

// SetRecoveryCodes replaces a user's recovery codes in one transaction.
func (db *DB) SetRecoveryCodes(ctx context.Context, userID string, codes []store.RecoveryCode) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.bind(`DELETE FROM recovery_codes WHERE user_id = ?`), userID); err != nil {
			return fmt.Errorf("delete recovery codes: %w", err)
		}
		for _, c := range codes {
			if _, err := tx.ExecContext(ctx, db.bind(`INSERT INTO recovery_codes (id, user_id, salt, hash, used_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
				c.ID, userID, c.Salt, c.Hash, millis(c.UsedAt), millis(c.CreatedAt)); err != nil {
				return fmt.Errorf("add recovery code: %w", err)
			}
		}
		return nil
	})
}

// RecoveryCodes lists a user's recovery codes, oldest first.
func (db *DB) RecoveryCodes(ctx context.Context, userID string) ([]store.RecoveryCode, error) {
	rows, err := db.query(ctx, `SELECT id, user_id, salt, hash, used_at, created_at FROM recovery_codes WHERE user_id = ? ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list recovery codes: %w", err)
	}
	defer rows.Close()
	var out []store.RecoveryCode
	for rows.Next() {
		var c store.RecoveryCode
		var used, created int64
		if err := rows.Scan(&c.ID, &c.UserID, &c.Salt, &c.Hash, &used, &created); err != nil {
			return nil, fmt.Errorf("read recovery code: %w", err)
		}
		c.UsedAt, c.CreatedAt = fromMillis(used), fromMillis(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// UseRecoveryCode marks an unused recovery code used; of two uses at once, one wins.
func (db *DB) UseRecoveryCode(ctx context.Context, id string, at time.Time) error {
	return affectedOne(db.exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at = 0`, millis(at), id))
}

// CreateDevice remembers a browser.
func (db *DB) CreateDevice(ctx context.Context, d *store.Device) error {
	if _, err := db.exec(ctx, `INSERT INTO devices (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		d.ID, d.UserID, millis(d.CreatedAt), millis(d.ExpiresAt)); err != nil {
		return fmt.Errorf("create device: %w", err)
	}
	return nil
}

// DeviceByID finds a remembered browser by the hash of its token.
func (db *DB) DeviceByID(ctx context.Context, id string) (*store.Device, error) {
	var d store.Device
	var created, expires int64
	if err := db.queryRow(ctx, `SELECT id, user_id, created_at, expires_at FROM devices WHERE id = ?`, id).
		Scan(&d.ID, &d.UserID, &created, &expires); err != nil {
		return nil, notFound(err)
	}
	d.CreatedAt, d.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &d, nil
}

// DeleteUserDevices forgets every browser remembered for a user.
func (db *DB) DeleteUserDevices(ctx context.Context, userID string) error {
	if _, err := db.exec(ctx, `DELETE FROM devices WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("delete devices of user: %w", err)
	}
	return nil
}

// DeleteDevicesExpiredBefore removes remembered browsers past their time.
func (db *DB) DeleteDevicesExpiredBefore(ctx context.Context, before time.Time) (int, error) {
	return db.deleteCount(ctx, "delete expired devices", `DELETE FROM devices WHERE expires_at < ?`, millis(before))
}
