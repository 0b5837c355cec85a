package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"formportal/store"
)

func newAPIKey(id, name, hash string, scope store.Scope) *store.APIKey {
	return &store.APIKey{ID: id, Name: name, Hash: hash, Scope: scope, CreatedAt: t0, ExpiresAt: t0.AddDate(1, 0, 0)}
}

// testAPIKeys: a key is found by its hash with its scope and expiry, names are unique (revoked keys'
// included, so the audit log's "api:NAME" means one key), keys are listed and revoked once.
func testAPIKeys(t *testing.T, st store.Store) {
	ctx := context.Background()
	if err := st.CreateAPIKey(ctx, newAPIKey("k1", "lcs", "abc", store.ScopeReadWrite)); err != nil {
		t.Fatal(err)
	}
	ro := newAPIKey("k2", "reports", "def", store.ScopeReadOnly)
	ro.CreatedAt = t0.Add(time.Minute)
	if err := st.CreateAPIKey(ctx, ro); err != nil {
		t.Fatal(err)
	}
	k, err := st.APIKeyByHash(ctx, "abc")
	if err != nil || k.ID != "k1" || k.Name != "lcs" || k.Scope != store.ScopeReadWrite || !k.CreatedAt.Equal(t0) ||
		!k.ExpiresAt.Equal(t0.AddDate(1, 0, 0)) || !k.RevokedAt.IsZero() {
		t.Fatalf("key: %+v, %v", k, err)
	}
	if _, err := st.APIKeyByHash(ctx, "abd"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("wrong key: %v", err)
	}
	if err := st.CreateAPIKey(ctx, newAPIKey("k3", "lcs", "ghi", store.ScopeReadOnly)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a second key called lcs: %v, want ErrConflict", err)
	}
	noExpiry := newAPIKey("k4", "forever", "jkl", store.ScopeReadWrite)
	noExpiry.ExpiresAt = time.Time{}
	if err := st.CreateAPIKey(ctx, noExpiry); err == nil {
		t.Fatal("a key without an expiry was stored")
	}
	if err := st.CreateAPIKey(ctx, newAPIKey("k5", "admin", "mno", "everything")); err == nil {
		t.Fatal("a key with an unknown scope was stored")
	}

	if err := st.RevokeAPIKey(ctx, "k1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeAPIKey(ctx, "k1", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoked twice: %v, want ErrNotFound", err)
	}
	if err := st.RevokeAPIKey(ctx, "nope", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoke an unknown key: %v, want ErrNotFound", err)
	}
	if k, err := st.APIKeyByHash(ctx, "abc"); err != nil || !k.RevokedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("revoked key read back: %+v, %v", k, err)
	}
	if err := st.CreateAPIKey(ctx, newAPIKey("k6", "lcs", "pqr", store.ScopeReadWrite)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a new key named like a revoked one: %v, want ErrConflict", err)
	}
	list, err := st.APIKeys(ctx)
	if err != nil || len(list) != 2 || list[0].ID != "k1" || list[1].ID != "k2" || list[1].Scope != store.ScopeReadOnly || list[0].RevokedAt.IsZero() {
		t.Fatalf("list: %+v, %v", list, err)
	}
}
