package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"formportal/store"
)

// Writers waiting for SQLite's one connection get it in the order they came. database/sql alone hands
// it to a random waiter, which under load left some saves waiting seconds behind later ones.
func TestSQLiteWritersTakeTurnsInOrder(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	release, held := holdWriter(db)
	const writers = 24
	done := make(chan error, writers)
	for i := range writers {
		go func() {
			done <- db.Audit(ctx, store.AuditEntry{At: time.Now(), Actor: "queue test", Action: "write", Detail: strconv.Itoa(i)})
		}()
		time.Sleep(5 * time.Millisecond) // each is waiting before the next comes
	}
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for range writers {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.readDB.QueryContext(ctx, `SELECT detail FROM audit WHERE actor = 'queue test' ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var order []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		order = append(order, d)
	}
	for i, d := range order {
		if d != strconv.Itoa(i) {
			t.Fatalf("writers wrote in the order %v, not the order they came", order)
		}
	}
	if len(order) != writers {
		t.Fatalf("%d of %d writes stored", len(order), writers)
	}
}

// A writer whose request is given up while it waits leaves the queue with its context's error, and the
// writers after it still write.
func TestSQLiteWriterGivingUpLeavesTheQueue(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	release, _ := holdWriter(db)
	first := make(chan error, 1)
	go func() { first <- db.Audit(ctx, store.AuditEntry{At: time.Now(), Actor: "queue test", Action: "first"}) }()
	time.Sleep(5 * time.Millisecond)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := db.Audit(cctx, store.AuditEntry{At: time.Now(), Actor: "queue test", Action: "gave up"}); err == nil || cctx.Err() == nil {
		t.Fatalf("a writer whose context ended while waiting: %v", err)
	}
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := db.Audit(ctx, store.AuditEntry{At: time.Now(), Actor: "queue test", Action: "after"}); err != nil {
		t.Fatal(fmt.Errorf("a writer after one that gave up: %w", err))
	}
}

// Readers at once keep their connections open between reads: none is closed for being idle (and opened
// again, its prepared statements with it, for the next read).
func TestSQLiteReadersStayOpen(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	errs := make(chan error, 4*sqliteReaders)
	for range 20 {
		for range 4 * sqliteReaders {
			go func() { errs <- db.Ping(ctx) }()
		}
		for range 4 * sqliteReaders {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	if st := db.readDB.Stats(); st.MaxIdleClosed != 0 || st.OpenConnections > sqliteReaders {
		t.Fatalf("after reads at once: %d connections closed for being idle, %d open (at most %d)", st.MaxIdleClosed, st.OpenConnections, sqliteReaders)
	}
}

// holdWriter takes the writer in a transaction until release is called; the transaction's error comes
// on held.
func holdWriter(db *DB) (release func(), held <-chan error) {
	done, holding, errs := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		errs <- db.InTx(context.Background(), func(store.Data) error {
			close(holding)
			<-done
			return nil
		})
	}()
	<-holding
	return func() { close(done) }, errs
}
