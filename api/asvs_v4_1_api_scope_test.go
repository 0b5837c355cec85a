package api_test

// OWASP ASVS 4.0.3 V4.1, access control: what an API key may do.

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"formportal/api"
	"formportal/apikey"
	"formportal/store"
)

// V4.1.3: least privilege. A read-only key (for a reporting system, say) reads everything a read-write
// key reads and is refused, with a 403 naming the scope it lacks, on every POST the router has, before
// anything is changed; each refusal is audited under the key's name.
func TestASVS_V4_1_3_ReadOnlyAPIKeyOnlyReads(t *testing.T) {
	e := newEnv(t)
	rec := e.records()
	_, ro, err := apikey.New(context.Background(), e.store, apikey.Spec{Name: "reports", Scope: store.ScopeReadOnly}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	open := e.delegate("pro@school.example")
	posts, gets := 0, 0
	for _, rt := range e.routes() {
		if rt.pattern == api.Base+"/openapi.json" {
			continue
		}
		p := rec.path(rt.pattern)
		if strings.Contains(rt.pattern, "/delegations/{id}/") && rt.method == http.MethodPost {
			p = strings.Replace(p, rec.delegation, open, 1) // one that every change allows
		}
		auth := http.Header{"Authorization": {"Bearer " + ro}, "Content-Type": {"application/json"}}
		switch rt.method {
		case http.MethodGet:
			gets++
			if r := e.raw(rt.method, p, auth, ""); r.code != http.StatusOK {
				t.Errorf("GET %s with a read-only key: %d %s", p, r.code, r.body)
			}
		case http.MethodPost:
			posts++
			head := e.auditHead()
			body := `{"reason":"Insufficient Detail","professional":{"email":"new@school.example","name":"New"}}`
			if p == "/delegations" {
				body = `{"form":"family-check","professional":{"email":"x@school.example","name":"X"},"caseData":{}}`
			}
			r := e.raw(rt.method, p, auth, body)
			if r.code != http.StatusForbidden || !strings.Contains(r.body, "The API key reports is read-only: it can read but not make changes") ||
				!strings.Contains(r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
				t.Errorf("POST %s with a read-only key: %d %s %q", p, r.code, r.body, r.header.Get("WWW-Authenticate"))
			}
			if got := e.auditAfter(head); len(got) != 1 || !strings.HasPrefix(got[0], "api:reports | API request refused: read-only key") {
				t.Errorf("POST %s: audit %q", p, got)
			}
		default:
			t.Errorf("an API route with method %s: decide whether a read-only key may use it", rt.method)
		}
	}
	if posts < 5 || gets < 10 {
		t.Fatalf("only %d POST and %d GET routes checked", posts, gets)
	}
	for _, id := range []string{open, rec.delegation} {
		if _, d := e.call(e.key, "GET", "/delegations/"+id, nil); d["status"] != string(store.StatusSent) && d["status"] != string(store.StatusSubmitted) || len(d["history"].([]any)) > 1 {
			t.Fatalf("a read-only key changed %s: %v", id, d)
		}
	}
	if list, _ := e.store.ListResponses(context.Background(), store.ResponseFilter{Kind: store.KindDelegation}); len(list) != 2 {
		t.Fatalf("%d delegations after a read-only key's POSTs, want 2", len(list))
	}
	// The same POST with the read-write key goes through.
	if code, d := e.call(e.key, "POST", "/delegations/"+open+"/retract", map[string]any{"reason": "x"}); code != http.StatusOK || d["status"] != string(store.StatusRetracted) {
		t.Fatalf("retract with the read-write key: %d %v", code, d)
	}
}
