package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"formportal/store"
)

// testTransactions proves InTx: a response, its event, an audit entry and a queued mail commit together,
// or not at all when the function fails or panics, and reads inside see the transaction's own writes.
func testTransactions(t *testing.T, st store.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	writeAll := func(tx store.Data, id string) error {
		if err := tx.CreateResponse(ctx, newResponse(id, "pro@school.example"), &store.Event{ID: id + "-e", ResponseID: id, At: t0, Kind: "created"}); err != nil {
			return err
		}
		if err := tx.Audit(ctx, store.AuditEntry{At: t0, Actor: "jo@council.example", Action: "delegated", Target: id}); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, &store.Mail{To: "pro@school.example", Subject: "A form for " + id, Text: "x", CreatedAt: t0})
	}
	count := func() (responses, audits, mails int) {
		list, err := st.ListResponses(ctx, store.ResponseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		log, err := st.AuditLog(ctx, store.AuditFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		mail, err := st.RecentMail(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(list), len(log), len(mail)
	}

	if err := st.InTx(ctx, func(tx store.Data) error {
		if err := writeAll(tx, "kept"); err != nil {
			return err
		}
		got, err := tx.Response(ctx, "kept")
		if err != nil || got.Version != 1 {
			t.Errorf("a read inside the transaction must see its own write: %+v, %v", got, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if r, a, m := count(); r != 1 || a != 1 || m != 1 {
		t.Fatalf("after a committed transaction: %d responses, %d audit entries, %d mails; want 1 each", r, a, m)
	}

	if err := st.InTx(ctx, func(tx store.Data) error {
		if err := writeAll(tx, "failed"); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("InTx must return fn's error: %v", err)
	}
	func() {
		defer func() { recover() }()
		st.InTx(ctx, func(tx store.Data) error {
			if err := writeAll(tx, "panicked"); err != nil {
				return err
			}
			panic("in the middle of an operation")
		})
	}()
	if r, a, m := count(); r != 1 || a != 1 || m != 1 {
		t.Fatalf("after a failed and a panicking transaction: %d responses, %d audit entries, %d mails; want nothing added", r, a, m)
	}
	if _, err := st.Response(ctx, "failed"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a rolled-back response must not exist: %v", err)
	}

	// A stale write inside a transaction undoes the transaction's other writes too.
	fresh, _ := st.Response(ctx, "kept")
	stale := *fresh
	fresh.Status = store.StatusInProgress
	if err := st.UpdateResponse(ctx, fresh, nil); err != nil {
		t.Fatal(err)
	}
	err := st.InTx(ctx, func(tx store.Data) error {
		if err := tx.Audit(ctx, store.AuditEntry{At: t0, Actor: "x", Action: "retracted", Target: "kept"}); err != nil {
			return err
		}
		stale.Status = store.StatusRetracted
		return tx.UpdateResponse(ctx, &stale, &store.Event{ID: "stale-e", ResponseID: "kept", At: t0, Kind: "retracted"})
	})
	if !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale update in a transaction: %v, want ErrStale", err)
	}
	if _, a, _ := count(); a != 1 {
		t.Fatalf("the audit entry of a stale change must be rolled back: %d entries", a)
	}

	// Transactions from many goroutines each commit whole.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := "par-" + string(rune('a'+i))
			if err := st.InTx(ctx, func(tx store.Data) error { return writeAll(tx, id) }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if r, a, m := count(); r != 9 || a != 9 || m != 9 {
		t.Fatalf("after 8 concurrent transactions: %d responses, %d audit entries, %d mails; want 9 each", r, a, m)
	}
}
