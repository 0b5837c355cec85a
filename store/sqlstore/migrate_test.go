package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"formportal/store"
)

// migrateUpTo applies, by hand, the migrations of dir named before stop, as an older portal would have.
func migrateUpTo(t *testing.T, conn *sql.DB, dir, stop string) {
	t.Helper()
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() < stop {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		body, err := fs.ReadFile(migrations, dir+"/"+name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ('`+name+`', 0)`); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrationGivesOldAPIKeysAnExpiryAndUniqueNames upgrades a database holding keys made before keys
// expired, two of them with the same name: each key keeps working for a year from the upgrade with full
// access, and the later of the two namesakes is renamed so that "api:NAME" in the audit log means one key.
func TestMigrationGivesOldAPIKeysAnExpiryAndUniqueNames(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(t *testing.T) (*sql.DB, func() (*DB, error))
	}{
		{"sqlite", func(t *testing.T) (*sql.DB, func() (*DB, error)) {
			path := filepath.Join(t.TempDir(), "portal.db")
			conn, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			return conn, func() (*DB, error) { return OpenSQLite(context.Background(), path) }
		}},
		{"postgres", func(t *testing.T) (*sql.DB, func() (*DB, error)) {
			dsn := emptyPostgresSchema(t)
			conn, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			return conn, func() (*DB, error) { return OpenPostgres(context.Background(), dsn) }
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			conn, open := c.open(t)
			dir := "migrations/" + c.name
			migrateUpTo(t, conn, dir, "0008")
			bind := newDB(map[string]dialect{"sqlite": sqlite, "postgres": postgres}[c.name], nil, nil).bind
			created := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
			for i, k := range []struct{ id, name string }{{"aaaaaaaa01", "lcs"}, {"bbbbbbbb02", "lcs"}, {"cccccccc03", "reports"}} {
				if _, err := conn.ExecContext(ctx, bind(`INSERT INTO api_keys (id, name, hash, created_at) VALUES (?, ?, ?, ?)`),
					k.id, k.name, "hash"+k.id, created.Add(time.Duration(i)*time.Hour).UnixMilli()); err != nil {
					t.Fatal(err)
				}
			}
			conn.Close()
			before := time.Now()
			db, err := open()
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			list, err := db.APIKeys(ctx)
			if err != nil {
				t.Fatal(err)
			}
			names := []string{}
			for _, k := range list {
				names = append(names, k.Name)
				if k.Scope != store.ScopeReadWrite || !k.RevokedAt.IsZero() {
					t.Errorf("%s: scope %q, revoked %v; want read-write and not revoked", k.Name, k.Scope, k.RevokedAt)
				}
				if d := k.ExpiresAt.Sub(before); d < 364*24*time.Hour || d > 366*24*time.Hour {
					t.Errorf("%s expires %v, want a year after the upgrade", k.Name, k.ExpiresAt)
				}
			}
			if strings.Join(names, ",") != "lcs,lcs-bbbbbb,reports" {
				t.Fatalf("names after the upgrade: %v", names)
			}
			if err := db.CreateAPIKey(ctx, &store.APIKey{ID: "new", Name: "reports", Hash: "h", Scope: store.ScopeReadOnly, CreatedAt: before, ExpiresAt: before.Add(time.Hour)}); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("a new key named like an old one: %v, want ErrConflict", err)
			}
		})
	}
}

// TestNewerDatabaseIsRefused: a database holding a migration this portal does not know (a newer portal
// applied it) is not opened, and the status lists it as unknown; a database one migration behind lists
// that migration as pending, and opening it applies it.
func TestNewerDatabaseIsRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(t *testing.T) (*sql.DB, func() (*DB, error), func() (MigrationStatus, error))
	}{
		{"sqlite", func(t *testing.T) (*sql.DB, func() (*DB, error), func() (MigrationStatus, error)) {
			path := filepath.Join(t.TempDir(), "portal.db")
			conn, err := sql.Open("sqlite", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			return conn, func() (*DB, error) { return OpenSQLite(context.Background(), path) },
				func() (MigrationStatus, error) { return SQLiteMigrationStatus(context.Background(), path) }
		}},
		{"postgres", func(t *testing.T) (*sql.DB, func() (*DB, error), func() (MigrationStatus, error)) {
			dsn := emptyPostgresSchema(t)
			conn, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			return conn, func() (*DB, error) { return OpenPostgres(context.Background(), dsn) },
				func() (MigrationStatus, error) { return PostgresMigrationStatus(context.Background(), dsn) }
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			conn, open, status := c.open(t)
			defer conn.Close()
			dir := "migrations/" + c.name
			entries, err := fs.ReadDir(migrations, dir)
			if err != nil {
				t.Fatal(err)
			}
			last := entries[len(entries)-1].Name()
			migrateUpTo(t, conn, dir, last)
			st, err := status()
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Pending) != 1 || st.Pending[0] != last || len(st.Applied) != len(entries)-1 || st.newer() != nil {
				t.Fatalf("one behind: pending %v, %d applied, want [%s] and %d", st.Pending, len(st.Applied), last, len(entries)-1)
			}
			db, err := open()
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			if st, err = status(); err != nil || len(st.Pending) != 0 || len(st.Applied) != len(entries) {
				t.Fatalf("after opening: %+v, %v", st, err)
			}
			if _, err := conn.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_from_the_future.sql', 0)`); err != nil {
				t.Fatal(err)
			}
			if db, err := open(); !errors.Is(err, ErrNewerDatabase) || !strings.Contains(err.Error(), "9999_from_the_future.sql") {
				if db != nil {
					db.Close()
				}
				t.Fatalf("opening a database a newer portal migrated: %v, want ErrNewerDatabase naming the migration", err)
			}
			st, err = status()
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Applied[len(st.Applied)-1]; got.Name != "9999_from_the_future.sql" || got.Known || !errors.Is(st.newer(), ErrNewerDatabase) {
				t.Fatalf("status of a newer database: last applied %+v", got)
			}
		})
	}
}

// The status of a database file that does not exist has every migration pending, and makes no file.
func TestMigrationStatusOfNoDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "portal.db")
	st, err := SQLiteMigrationStatus(context.Background(), path)
	entries, _ := fs.ReadDir(migrations, "migrations/sqlite")
	if err != nil || len(st.Applied) != 0 || len(st.Pending) != len(entries) {
		t.Fatalf("no database: %+v, %v", st, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the status made %s", path)
	}
}
