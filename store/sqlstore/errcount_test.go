package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"formportal/internal/metricstest"
	"formportal/store"
)

// The database's failures count in portal_store_errors_total, reads and writes apart; the answers a
// caller expects (no such row, an address already taken) do not.
func TestStoreErrorsAreCounted(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	reads, writes := `portal_store_errors_total{op="read"}`, `portal_store_errors_total{op="write"}`
	before := metricstest.Scrape(t)
	u := &store.User{ID: "u1", Email: "a@example.org", Forename: "A", Surname: "B", PasswordHash: "h"}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, u); err == nil {
		t.Fatal("the same address twice")
	}
	if _, err := db.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx store.Data) error { return store.ErrStale })
	if !errors.Is(err, store.ErrStale) {
		t.Fatal(err)
	}
	after := metricstest.Scrape(t)
	for _, s := range []string{reads, writes} {
		if metricstest.Value(t, after, s) != metricstest.Value(t, before, s) {
			t.Fatalf("expected answers counted as store errors: %s went from %v to %v", s, metricstest.Value(t, before, s), metricstest.Value(t, after, s))
		}
	}

	if err := db.read.QueryRowContext(ctx, "SELECT nothing FROM no_such_table").Scan(new(int)); err == nil {
		t.Fatal("a read of no table")
	}
	var pages int64
	if err := db.writeDB.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writeDB.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 4000)
	for i := 0; err == nil || !errors.Is(err, store.ErrFull); i++ {
		err = db.Audit(ctx, store.AuditEntry{Actor: "a", Action: "b", Detail: big})
		if i > 100 {
			t.Fatalf("the database never filled: %v", err)
		}
	}
	failed := metricstest.Scrape(t)
	if got := metricstest.Value(t, failed, reads) - metricstest.Value(t, after, reads); got != 1 {
		t.Fatalf("a failed read counted %v times", got)
	}
	if got := metricstest.Value(t, failed, writes) - metricstest.Value(t, after, writes); got != 1 {
		t.Fatalf("a failed write (a full database) counted %v times", got)
	}
}
