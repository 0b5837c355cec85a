package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"formportal/store"
)

// testIdempotency: an answer is kept once per key, with everything a retry is answered with, even
// inside a transaction that another writer of the same key loses; answers are forgotten by age.
func testIdempotency(t *testing.T, st store.Store) {
	ctx := context.Background()
	a := &store.IdempotentAnswer{Key: "k1:retry-1", Fingerprint: "f1", Status: 201, Location: "/api/v1/delegations/d1", ETag: `"1"`,
		Body: []byte(`{"id":"d1"}`), CreatedAt: t0}
	if err := st.SaveIdempotentAnswer(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := st.IdempotentAnswer(ctx, "k1:retry-1")
	if err != nil || got.Fingerprint != "f1" || got.Status != 201 || got.Location != a.Location || got.ETag != a.ETag ||
		string(got.Body) != `{"id":"d1"}` || !got.CreatedAt.Equal(t0) {
		t.Fatalf("answer: %+v, %v", got, err)
	}
	if _, err := st.IdempotentAnswer(ctx, "k2:retry-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another API key's: %v, want ErrNotFound", err)
	}
	// A second answer under the key is refused, and in a transaction takes the transaction's other
	// writes with it.
	second := *a
	second.Fingerprint = "f2"
	err = st.InTx(ctx, func(tx store.Data) error {
		if err := tx.CreateUser(ctx, newUser("u9", "nine@example.org")); err != nil {
			return err
		}
		return tx.SaveIdempotentAnswer(ctx, &second)
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a second answer under the key: %v, want ErrConflict", err)
	}
	if _, err := st.UserByID(ctx, "u9"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the losing transaction's other write was kept: %v", err)
	}
	if got, _ := st.IdempotentAnswer(ctx, "k1:retry-1"); got.Fingerprint != "f1" {
		t.Fatalf("the first answer was replaced: %+v", got)
	}
	later := &store.IdempotentAnswer{Key: "k1:retry-2", Fingerprint: "f3", Status: 200, Body: []byte(`{}`), CreatedAt: t0.Add(48 * time.Hour)}
	if err := st.SaveIdempotentAnswer(ctx, later); err != nil {
		t.Fatal(err)
	}
	if n, err := st.DeleteIdempotentAnswersBefore(ctx, t0.Add(24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("delete: %d, %v", n, err)
	}
	if _, err := st.IdempotentAnswer(ctx, "k1:retry-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an old answer was kept: %v", err)
	}
	if _, err := st.IdempotentAnswer(ctx, "k1:retry-2"); err != nil {
		t.Fatalf("a newer answer was deleted: %v", err)
	}
}
