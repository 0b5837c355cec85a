package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ErrNewerDatabase is returned when a database holds migrations this portal does not know: a newer
// portal upgraded it.
var ErrNewerDatabase = errors.New("the database was upgraded by a newer portal")

// Migration is one migration applied to a database.
type Migration struct {
	Name      string
	AppliedAt time.Time
	Known     bool // false: a newer portal applied it; this one does not have it
}

// MigrationStatus is what a database has applied, and what this portal would apply to it at its start.
type MigrationStatus struct {
	Applied []Migration // in the order of their names
	Pending []string    // this portal's migrations the database lacks, in the order they would run
}

// newer is ErrNewerDatabase, naming the migrations unknown here, when there are any.
func (s MigrationStatus) newer() error {
	var unknown []string
	for _, m := range s.Applied {
		if !m.Known {
			unknown = append(unknown, m.Name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	return fmt.Errorf("%w: it has migration %s, which this portal does not know; run the newer portal, or restore the backup made before the upgrade (README: Upgrades)",
		ErrNewerDatabase, strings.Join(unknown, ", "))
}

func (db *DB) migrationsDir() string {
	if db.dialect == postgres {
		return "migrations/postgres"
	}
	return "migrations/sqlite"
}

// migrationStatus compares the database's schema_migrations with the embedded migrations. A database
// without the table has applied none.
func (db *DB) migrationStatus(ctx context.Context) (MigrationStatus, error) {
	var st MigrationStatus
	entries, err := fs.ReadDir(migrations, db.migrationsDir())
	if err != nil {
		return st, fmt.Errorf("read migrations: %w", err)
	}
	known := map[string]bool{}
	for _, e := range entries {
		known[e.Name()] = true
	}
	applied := map[string]bool{}
	table := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if db.dialect == postgres {
		table = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	}
	var tables int
	if err := db.writeDB.QueryRowContext(ctx, table).Scan(&tables); err != nil {
		return st, fmt.Errorf("read applied migrations: %w", err)
	}
	if tables > 0 {
		rows, err := db.writeDB.QueryContext(ctx, `SELECT name, applied_at FROM schema_migrations ORDER BY name`)
		if err != nil {
			return st, fmt.Errorf("read applied migrations: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var m Migration
			var at int64
			if err := rows.Scan(&m.Name, &at); err != nil {
				return st, fmt.Errorf("read applied migrations: %w", err)
			}
			m.AppliedAt, m.Known = fromMillis(at), known[m.Name]
			applied[m.Name] = true
			st.Applied = append(st.Applied, m)
		}
		if err := rows.Err(); err != nil {
			return st, fmt.Errorf("read applied migrations: %w", err)
		}
	}
	for name := range known {
		if !applied[name] {
			st.Pending = append(st.Pending, name)
		}
	}
	sort.Strings(st.Pending)
	return st, nil
}

// SQLiteMigrationStatus reads the migrations of the SQLite database at path without applying any. A
// database file that does not exist yet has every migration pending, and is not made.
func SQLiteMigrationStatus(ctx context.Context, path string) (MigrationStatus, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return MigrationStatus{}, fmt.Errorf("sqlite path %s: %w", path, err)
	}
	db := newDB(sqlite, nil, nil)
	if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
		empty, err := sql.Open("sqlite", ":memory:")
		if err != nil {
			return MigrationStatus{}, err
		}
		defer empty.Close()
		db.writeDB = empty
		return db.migrationStatus(ctx)
	}
	conn, err := sql.Open("sqlite", sqliteDSN(abs)+"&_pragma=query_only(1)")
	if err != nil {
		return MigrationStatus{}, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	defer conn.Close()
	db.writeDB = conn
	return db.migrationStatus(ctx)
}

// PostgresMigrationStatus reads the migrations of the PostgreSQL database at dsn without applying any.
func PostgresMigrationStatus(ctx context.Context, dsn string) (MigrationStatus, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return MigrationStatus{}, fmt.Errorf("open postgres: %w", err)
	}
	defer pool.Close()
	return newDB(postgres, pool, pool).migrationStatus(ctx)
}
