package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"formportal/api"
	"formportal/apikey"
	"formportal/store"
)

// TestEvery4xxIsAProblem provokes every client error the API gives and checks each is an RFC 9457
// problem: application/problem+json, its status the answer's, its detail the first of its errors (and
// each answer valid against openapi.json, as every answer in these tests is).
func TestEvery4xxIsAProblem(t *testing.T) {
	e := newEnv(t)
	rec := e.records()
	_, ro, err := apikey.New(context.Background(), e.store, apikey.Spec{Name: "reports", Scope: store.ScopeReadOnly}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	open := e.delegate("pro@school.example")
	key := func(k string) http.Header {
		return http.Header{"Authorization": {"Bearer " + k}, "Content-Type": {"application/json"}}
	}
	seen := map[int]bool{}
	for _, c := range []struct {
		name, method, path string
		header             http.Header
		body               string
		want               int
	}{
		{"malformed JSON", "POST", "/delegations", key(e.key), `{"form":`, 400},
		{"every problem of a delegation", "POST", "/delegations", key(e.key), `{"form":"family-check","professional":{"email":"x","name":""},"caseData":{}}`, 400},
		{"a limit too large", "GET", "/submissions?limit=501", key(e.key), "", 400},
		{"a cursor not from a page", "GET", "/referrals?cursor=nope", key(e.key), "", 400},
		{"no key", "GET", "/forms", nil, "", 401},
		{"an unknown key", "GET", "/forms", key("fpk_unknown"), "", 401},
		{"a read-only key's change", "POST", "/delegations/" + open + "/retract", key(ro), `{}`, 403},
		{"no such delegation", "GET", "/delegations/nope", key(e.key), "", 404},
		{"a referral's id as a delegation's", "GET", "/delegations/" + rec.referral, key(e.key), "", 404},
		{"no such document", "GET", "/delegations/" + rec.delegation + "/attachments/nope", key(e.key), "", 404},
		{"no such form", "GET", "/forms/nope/submission-schema", key(e.key), "", 404},
		{"a path the API does not have", "GET", "/nothing-here", key(e.key), "", 404},
		{"a method the path does not take", "DELETE", "/delegations/" + open, key(e.key), "", 405},
		{"retract a submitted delegation", "POST", "/delegations/" + rec.delegation + "/retract", key(e.key), `{}`, 409},
		{"a form post", "POST", "/delegations", http.Header{"Authorization": {"Bearer " + e.key}, "Content-Type": {"application/x-www-form-urlencoded"}}, "form=x", 415},
	} {
		r := e.raw(c.method, c.path, c.header, c.body)
		seen[r.code] = true
		var p api.Problem
		if r.code != c.want || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") || json.Unmarshal([]byte(r.body), &p) != nil {
			t.Errorf("%s: %d %q %s, want a %d problem", c.name, r.code, r.header.Get("Content-Type"), r.body, c.want)
			continue
		}
		if p.Status != r.code || p.Type != "about:blank" || p.Title != http.StatusText(r.code) || len(p.Errors) == 0 || p.Detail != p.Errors[0].Message {
			t.Errorf("%s: not a whole problem: %+v", c.name, p)
		}
		if c.want == 405 && r.header.Get("Allow") != "GET" {
			t.Errorf("%s: Allow %q, want GET", c.name, r.header.Get("Allow"))
		}
	}
	for _, code := range []int{400, 401, 403, 404, 405, 409, 415} {
		if !seen[code] {
			t.Errorf("no %d provoked", code)
		}
	}
}
