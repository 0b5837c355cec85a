package web

// OWASP ASVS 4.0.3 V2.10, service authentication: the case management system's API keys.

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"formportal/apikey"
	"formportal/store"
	"formportal/store/sqlstore"
)

// V2.10.1: a service's key is not an unchanging credential: it expires (after a year unless its maker
// says otherwise), and from then on the API refuses it with a 401 that says so.
func TestASVS_V2_10_1_APIKeysExpire(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k90, short, err := apikey.New(ctx, e.store, apikey.Spec{Name: "quarterly", Lifetime: 90 * 24 * time.Hour}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	kDefault, long, err := apikey.New(ctx, e.store, apikey.Spec{Name: "lcs"}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !kDefault.ExpiresAt.Equal(e.clock.Now().AddDate(1, 0, 0)) || !k90.ExpiresAt.Equal(e.clock.Now().AddDate(0, 0, 90)) {
		t.Fatalf("expiries: default %v, 90 days %v", kDefault.ExpiresAt, k90.ExpiresAt)
	}
	for _, key := range []string{short, long} {
		if code, out := e.api(key, "GET", "/forms", nil); code != http.StatusOK {
			t.Fatalf("a new key: %d %v", code, out)
		}
	}
	e.clock.Advance(90*24*time.Hour - time.Second)
	if code, _ := e.api(short, "GET", "/forms", nil); code != http.StatusOK {
		t.Fatalf("a second before its expiry: %d", code)
	}
	e.clock.Advance(time.Second)
	head := e.auditHead()
	r := e.apiRaw("GET", "/forms", http.Header{"Authorization": {"Bearer " + short}}, "")
	if r.code != http.StatusUnauthorized || !strings.Contains(r.body, "The API key quarterly expired on 31 May 2026 09:00 UTC") ||
		!strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) || !strings.Contains(r.header.Get("WWW-Authenticate"), "expired") {
		t.Fatalf("an expired key: %d %s %q", r.code, r.body, r.header.Get("WWW-Authenticate"))
	}
	if got := auditLines(e.auditAfter(head)); len(got) != 1 || got[0] != "api:quarterly | API request refused: key expired | " {
		t.Fatalf("the refusal's audit entry: %q", got)
	}
	if code, _ := e.api(short, "POST", "/delegations", newDelegation("pro@school.example")); code != http.StatusUnauthorized {
		t.Fatalf("an expired key's POST: %d", code)
	}
	e.clock.Advance(275*24*time.Hour - time.Second) // a year less a second after it was made
	if code, _ := e.api(long, "GET", "/forms", nil); code != http.StatusOK {
		t.Fatalf("the default key before a year: %d", code)
	}
	e.clock.Advance(time.Second)
	if code, _ := e.api(long, "GET", "/forms", nil); code != http.StatusUnauthorized {
		t.Fatalf("the default key after a year: %d, want 401", code)
	}
}

// V2.10.1: a key can be withdrawn at once. The key is looked up in the store on every request, so a
// revocation made by another process (here another connection to the same database file, as the
// portal apikey revoke command makes) is refused from the next request on, with a 401 that says so.
func TestASVS_V2_10_1_RevokedAPIKeyRefusedAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k, key, err := apikey.New(ctx, e.store, apikey.Spec{Name: "lcs"}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := apikey.New(ctx, e.store, apikey.Spec{Name: "reports", Scope: store.ScopeReadOnly}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	id := e.delegate(key, "pro@school.example")
	if code, _ := e.api(key, "GET", "/delegations/"+id, nil); code != http.StatusOK {
		t.Fatalf("before revocation: %d", code)
	}
	elsewhere, err := sqlstore.OpenSQLite(ctx, e.file)
	if err != nil {
		t.Fatal(err)
	}
	defer elsewhere.Close()
	if err := elsewhere.RevokeAPIKey(ctx, k.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	for _, call := range []struct{ method, path string }{{"GET", "/delegations/" + id}, {"GET", "/forms"}, {"POST", "/delegations/" + id + "/retract"}} {
		r := e.apiRaw(call.method, call.path, http.Header{"Authorization": {"Bearer " + key}, "Content-Type": {"application/json"}}, `{"reason":"x"}`)
		if r.code != http.StatusUnauthorized || !strings.Contains(r.body, "The API key lcs was revoked on 2 March 2026") ||
			!strings.Contains(r.header.Get("WWW-Authenticate"), "revoked") {
			t.Errorf("%s %s with a revoked key: %d %s", call.method, call.path, r.code, r.body)
		}
	}
	if _, d := e.api(other, "GET", "/delegations/"+id, nil); d["status"] != string(store.StatusSent) {
		t.Fatalf("the revoked key's retract went through, or the other key was refused: %v", d)
	}
}
