package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"formportal/store"
	"formportal/store/storetest"
)

func openTemp(t testing.TB) *DB {
	t.Helper()
	db, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSQLiteConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestSQLiteMigrationsAreIdempotentAndDataSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	db, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, &store.User{ID: "u1", Email: "a@example.org", Forename: "A", Surname: "B", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = OpenSQLite(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if _, err := db.UserByEmail(ctx, "a@example.org"); err != nil {
		t.Fatalf("user lost on reopen: %v", err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// A database that cannot grow (SQLite's max_page_count, as a full disk) answers ErrFull to a write and to
// the write probe, and takes writes again once it has room, with nothing lost.
func TestSQLiteFullIsErrFull(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	if err := db.WriteProbe(ctx); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var pages int64
	if err := db.writeDB.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writeDB.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+8)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 2000)
	// Every kind of write, whether on its own or in a transaction, says so when it finds no room.
	for name, write := range map[string]func(i int) error{
		"user": func(i int) error {
			return db.CreateUser(ctx, &store.User{ID: fmt.Sprint("u", i), Email: fmt.Sprintf("u%d@example.org", i), Forename: big, PasswordHash: "h"})
		},
		"mail": func(i int) error {
			return db.EnqueueMail(ctx, &store.Mail{To: "a@example.org", Subject: "s", Text: big, CreatedAt: t0})
		},
		"session": func(i int) error {
			return db.CreateSession(ctx, &store.Session{ID: fmt.Sprint("s", i), Data: map[string]string{"x": big}})
		},
		"audit": func(i int) error {
			return db.Audit(ctx, store.AuditEntry{At: t0, Actor: "a", Action: "b", Detail: big})
		},
		"response": func(i int) error {
			return db.CreateResponse(ctx, &store.Response{ID: fmt.Sprint("r", i), Kind: store.KindReferral, FormID: "f", Answers: []byte(`"` + big + `"`), CreatedAt: t0, UpdatedAt: t0}, nil)
		},
	} {
		var err error
		for i := 0; err == nil && i < 1000; i++ {
			err = write(i)
		}
		if !errors.Is(err, store.ErrFull) {
			t.Fatalf("%s: a write to a full database: %v, want ErrFull", name, err)
		}
	}
	if err := db.WriteProbe(ctx); !errors.Is(err, store.ErrFull) {
		t.Fatalf("the write probe on a full database: %v, want ErrFull", err)
	}
	if _, err := db.UserByEmail(ctx, "u0@example.org"); err != nil {
		t.Fatalf("reading a full database: %v", err)
	}
	if _, err := db.writeDB.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteProbe(ctx); err != nil {
		t.Fatalf("the write probe with room again: %v", err)
	}
}

// PostgreSQL says a disk is full with SQLSTATE 53100, or "could not extend file" when a table cannot grow.
func TestPostgresFullIsErrFull(t *testing.T) {
	for _, err := range []error{
		&pgconn.PgError{Code: "53100", Message: "could not write to file: No space left on device"},
		&pgconn.PgError{Code: "XX000", Message: `could not extend file "base/16384/16397": No space left on device`},
		fmt.Errorf("write: %w", syscall.ENOSPC),
	} {
		if got := withFull(fmt.Errorf("update response: %w", err)); !errors.Is(got, store.ErrFull) {
			t.Errorf("%v: not ErrFull", err)
		}
	}
	if errors.Is(withFull(&pgconn.PgError{Code: "23505"}), store.ErrFull) {
		t.Error("a unique violation is ErrFull")
	}
}
