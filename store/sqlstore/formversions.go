package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"formportal/store"
)

// PublishFormVersion stores a published version of a form, never replacing one.
func (db *DB) PublishFormVersion(ctx context.Context, v *store.FormVersion) error {
	// ON CONFLICT DO NOTHING rather than a unique violation, which would abort a PostgreSQL transaction.
	res, err := db.exec(ctx, `INSERT INTO form_versions (form_id, version, hash, definition, published_at, published_by)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (form_id, version) DO NOTHING`,
		v.FormID, v.Version, v.Hash, string(v.Definition), millis(v.PublishedAt), v.PublishedBy)
	if err != nil {
		return fmt.Errorf("publish form %s version %d: %w", v.FormID, v.Version, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrConflict
	}
	return nil
}

// FormVersions lists every published version of every form.
func (db *DB) FormVersions(ctx context.Context) ([]store.FormVersion, error) {
	rows, err := db.query(ctx, `SELECT form_id, version, hash, definition, published_at, published_by FROM form_versions ORDER BY form_id, version`)
	if err != nil {
		return nil, fmt.Errorf("list form versions: %w", err)
	}
	defer rows.Close()
	var out []store.FormVersion
	for rows.Next() {
		var v store.FormVersion
		var def string
		var at int64
		if err := rows.Scan(&v.FormID, &v.Version, &v.Hash, &def, &at, &v.PublishedBy); err != nil {
			return nil, fmt.Errorf("read form version: %w", err)
		}
		v.Definition, v.PublishedAt = []byte(def), fromMillis(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// LatestFormVersions is each form's latest published version.
func (db *DB) LatestFormVersions(ctx context.Context) (map[string]int, error) {
	rows, err := db.query(ctx, `SELECT form_id, MAX(version) FROM form_versions GROUP BY form_id`)
	if err != nil {
		return nil, fmt.Errorf("latest form versions: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var v int
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("latest form versions: %w", err)
		}
		out[id] = v
	}
	return out, rows.Err()
}

// AdoptUnversionedResponses records the version of responses made before versions were kept.
func (db *DB) AdoptUnversionedResponses(ctx context.Context, formID string, version int) (int, error) {
	res, err := db.exec(ctx, `UPDATE responses SET form_version = ? WHERE form_id = ? AND form_version = 0`, version, formID)
	if err != nil {
		return 0, fmt.Errorf("record form %s version %d on older responses: %w", formID, version, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// CountResponsesByFormVersion counts responses in the statuses by form and version.
func (db *DB) CountResponsesByFormVersion(ctx context.Context, statuses []store.Status) (map[store.FormVersionKey]int, error) {
	if len(statuses) == 0 {
		return nil, fmt.Errorf("count responses by form version: no statuses")
	}
	args := make([]any, len(statuses))
	for i, s := range statuses {
		args[i] = s
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(statuses)), ", ")
	rows, err := db.query(ctx, `SELECT form_id, form_version, COUNT(*) FROM responses WHERE status IN (`+marks+`) GROUP BY form_id, form_version`, args...)
	if err != nil {
		return nil, fmt.Errorf("count responses by form version: %w", err)
	}
	defer rows.Close()
	out := map[store.FormVersionKey]int{}
	for rows.Next() {
		var k store.FormVersionKey
		var n int
		if err := rows.Scan(&k.FormID, &k.Version, &n); err != nil {
			return nil, fmt.Errorf("count responses by form version: %w", err)
		}
		out[k] = n
	}
	return out, rows.Err()
}
