package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMigrateStatusAndNewerDatabase, with the real binary on both databases: migrate status on a new
// database lists every migration pending and makes nothing; after migrate apply every one is applied;
// once a newer portal's migration is in the database, migrate status marks it and fails, and the portal
// refuses to start, naming it.
func TestMigrateStatusAndNewerDatabase(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			data := t.TempDir()
			var env []string
			var conn *sql.DB
			if dialect == "postgres" {
				dsn := os.Getenv("PORTAL_TEST_POSTGRES")
				if dsn == "" {
					dsn = "postgres://postgres@localhost:5432/postgres?sslmode=disable"
				}
				admin, err := sql.Open("pgx", dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer admin.Close()
				schema := fmt.Sprintf("cmd_migrate_%d", time.Now().UnixNano())
				if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
					t.Fatalf("PostgreSQL at %s is needed (.ci/run starts it): %v", dsn, err)
				}
				t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
				url := dsn + "&search_path=" + schema
				env = []string{"PORTAL_DATABASE_URL=" + url}
				if conn, err = sql.Open("pgx", url); err != nil {
					t.Fatal(err)
				}
			}
			out, err := runCommand(t, env, "-data", data, "migrate", "status")
			if err != nil || !has(out, `0001_accounts.sql\s+pending`) || has(out, `\.sql\s+applied`) {
				t.Fatalf("status of a new database: %v\n%s", err, out)
			}
			if _, err := os.Stat(filepath.Join(data, "portal.db")); !os.IsNotExist(err) {
				t.Fatalf("migrate status made the database: %v", err)
			}
			if out, err := runCommand(t, env, "-data", data, "migrate", "apply"); err != nil {
				t.Fatalf("migrate apply: %v\n%s", err, out)
			}
			out, err = runCommand(t, env, "-data", data, "migrate", "status")
			if err != nil || !has(out, `0001_accounts.sql\s+applied`) || has(out, "pending:") {
				t.Fatalf("status after apply: %v\n%s", err, out)
			}
			if dialect == "sqlite" {
				if conn, err = sql.Open("sqlite", filepath.Join(data, "portal.db")); err != nil {
					t.Fatal(err)
				}
			}
			defer conn.Close()
			if _, err := conn.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_newer.sql', 1764580000000)`); err != nil {
				t.Fatal(err)
			}
			out, err = runCommand(t, env, "-data", data, "migrate", "status")
			if exitCode(err) != 1 || !has(out, `9999_newer.sql\s+applied by a newer portal`) {
				t.Fatalf("status of a newer database: exit %d\n%s", exitCode(err), out)
			}
			out, err = runCommand(t, env, "-data", data)
			if exitCode(err) != 1 || !strings.Contains(out, "upgraded by a newer portal") || !strings.Contains(out, "9999_newer.sql") || strings.Contains(out, "portal listening") {
				t.Fatalf("start on a newer database: exit %d\n%s", exitCode(err), out)
			}
		})
	}
}

func has(out, pattern string) bool { return regexp.MustCompile(pattern).MatchString(out) }
