package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/store"
	"formportal/store/storetest"
)

// postgresDSN is the server the PostgreSQL tests use: PORTAL_TEST_POSTGRES, or the one on this machine.
func postgresDSN() string {
	if dsn := os.Getenv("PORTAL_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@localhost:5432/postgres?sslmode=disable"
}

// openPostgresSchema gives a test its own schema on the server, migrated, dropped afterwards.
func openPostgresSchema(t *testing.T) (*DB, string) {
	t.Helper()
	dsn := emptyPostgresSchema(t)
	db, err := OpenPostgres(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dsn
}

// emptyPostgresSchema makes a schema of the test's own, dropped afterwards, and returns a DSN that uses it.
func emptyPostgresSchema(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", postgresDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("test_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at %s is needed for these tests (.ci/run starts it): %v", postgresDSN(), err)
	}
	t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	dsn := postgresDSN()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

func TestPostgresConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, _ := openPostgresSchema(t)
		return db
	})
}

// TestPostgresSeveralProcesses opens the same database from several pools at once, as several portal
// processes would: migrations apply once, and each outbox message is claimed by exactly one of them.
func TestPostgresSeveralProcesses(t *testing.T) {
	_, dsn := openPostgresSchema(t)
	ctx := context.Background()
	var dbs []*DB
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := OpenPostgres(ctx, dsn)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			dbs = append(dbs, db)
			mu.Unlock()
		}()
	}
	wg.Wait()
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	if len(dbs) != 4 {
		t.Fatal("not every process started")
	}
	now := time.Now()
	for i := range 60 {
		if err := dbs[i%4].EnqueueMail(ctx, &store.Mail{To: fmt.Sprintf("p%d@example.org", i), Subject: "s", Text: "t", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int64]int{}
	for _, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				batch, err := db.ClaimDueMail(ctx, now, time.Hour, 4)
				if err != nil {
					t.Error(err)
					return
				}
				if len(batch) == 0 {
					return
				}
				mu.Lock()
				for _, m := range batch {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 60 {
		t.Fatalf("%d messages claimed, want 60", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %d claimed by %d processes", id, n)
		}
	}
}
