package web

// OWASP ASVS 4.0.3 V8.3, sensitive private data: who read a child's record.

import (
	"net/http"
	"strings"
	"testing"
)

// V8.3.5: every read of a child's record through the API is audited under the key's name, before the
// answer is sent, without the data itself: each GET route (found from the router, so a new one is
// covered), each record a list returns, and each change, which the casework core audits once.
func TestASVS_V8_3_5_APIReadsOfChildDataAudited(t *testing.T) {
	rec := newAPIRecords(t)
	e := rec.e
	notChildData := map[string]bool{"/api/v1/forms": true, "/api/v1/forms/{form}/submission-schema": true,
		"/api/v1/forms/{form}/versions/{version}/schema": true, "/api/v1/openapi.json": true,
		"/api/v1/events": true} // the events are ids and links
	checked := 0
	for _, rt := range e.routes() {
		if !strings.HasPrefix(rt.pattern, "/api/v1/") || rt.method != http.MethodGet {
			continue
		}
		p := strings.TrimPrefix(rec.path(rt.pattern), "/api/v1")
		head := e.auditHead()
		if code, out := e.api(rec.key, "GET", p, nil); code != http.StatusOK {
			t.Fatalf("GET %s: %d %v", p, code, out)
		}
		got := e.auditAfter(head)
		var want []string
		switch {
		case notChildData[rt.pattern]:
		case rt.pattern == "/api/v1/submissions":
			want = []string{"api:lcs | read answers | " + rec.delegation}
		case rt.pattern == "/api/v1/referrals":
			want = []string{"api:lcs | read answers | " + rec.referral}
		case rt.pattern == "/api/v1/requests/{id}":
			want = []string{"api:lcs | viewed request | " + rec.request}
		case rt.pattern == "/api/v1/requests/{id}/chronology":
			want = []string{"api:lcs | read merged chronology | " + rec.request}
		default:
			id := rec.delegation
			if strings.HasPrefix(rt.pattern, "/api/v1/referrals/") {
				id = rec.referral
			}
			action := map[string]string{"{id}": "read answers", "submission": "read answers", "pdf": "downloaded PDF", "{file}": "downloaded document"}[rt.pattern[strings.LastIndex(rt.pattern, "/")+1:]]
			if rt.pattern == "/api/v1/delegations/{id}" {
				action = "viewed delegation"
			}
			want = []string{"api:lcs | " + action + " | " + id}
		}
		if strings.Join(auditLines(got), "\n") != strings.Join(want, "\n") {
			t.Errorf("GET %s: audit %q, want %q", p, auditLines(got), want)
		}
		for _, entry := range got {
			if strings.Contains(entry.Detail, "Aurora") || strings.Contains(entry.Detail, "Boreo") {
				t.Errorf("GET %s: the audit entry holds a child's details: %q", p, entry.Detail)
			}
		}
		if strings.HasSuffix(rt.pattern, "{file}") && (len(got) != 1 || got[0].Detail != rec.delegationFile && got[0].Detail != rec.referralFile) {
			t.Errorf("GET %s: the entry does not name the document: %+v", p, got)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d GET routes checked", checked)
	}

	// Changes: one entry each, written by the casework core with the key's name; none twice.
	head := e.auditHead()
	id := e.delegate(rec.key, "pro@school.example")
	for _, call := range []struct{ path, action string }{
		{"/delegations/" + id + "/reassign", "reassigned"},
		{"/delegations/" + id + "/retract", "retracted"},
		{"/delegations/" + rec.delegation + "/return", "returned"},
		{"/referrals/" + rec.referral + "/return", "returned"},
	} {
		if code, out := e.api(rec.key, "POST", call.path, map[string]any{"reason": "Insufficient Detail", "professional": map[string]any{"email": "new@school.example", "name": "New"}}); code != http.StatusOK {
			t.Fatalf("POST %s: %d %v", call.path, code, out)
		}
	}
	want := []string{"api:lcs | delegated | " + id, "api:lcs | reassigned | " + id, "api:lcs | retracted | " + id,
		"api:lcs | returned | " + rec.delegation, "api:lcs | returned | " + rec.referral}
	if got := auditLines(e.auditAfter(head)); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("changes audited:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
