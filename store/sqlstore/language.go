package sqlstore

import "context"

// SetUserLang keeps the language a person chose; ErrNotFound for an unknown account.
func (db *DB) SetUserLang(ctx context.Context, id, lang string) error {
	return affectedOne(db.exec(ctx, `UPDATE users SET lang = ? WHERE id = ?`, lang, id))
}
