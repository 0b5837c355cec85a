package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"formportal/store"
)

func newRequest() map[string]any {
	return map[string]any{
		"form": "family-check", "sections": []any{"chronology"}, "caseData": familyCase(),
		"agencies": []any{
			map[string]any{"professional": map[string]any{"email": "Head@School.example", "name": "Sam Head", "organisation": "Hill Primary School"}, "dueDate": "2026-03-20", "comments": "Attendance since 2024"},
			map[string]any{"professional": map[string]any{"email": "gp@surgery.example", "name": "Dr Patel", "organisation": "Elm Surgery"}, "dueDate": "2026-03-27"},
			map[string]any{"professional": map[string]any{"email": "pc@police.example", "name": "PC Lane", "organisation": "Thames Valley Police"}},
		},
	}
}

func TestAPISendsOneRequestToSeveralAgencies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	body, _ := json.Marshal(newRequest())
	h := http.Header{"Authorization": {"Bearer " + e.key}, "Content-Type": {"application/json"}, "Idempotency-Key": {"req-1"}}
	r := e.raw("POST", "/requests", h, string(body))
	if r.code != http.StatusCreated {
		t.Fatalf("create request: %d %s", r.code, r.body)
	}
	var q struct {
		ID       string
		Sections []string
		Agencies []struct {
			ID, Delegation, Status, DueDate string
			Professional                    struct{ Email, Organisation string }
			Email                           struct{ Status string }
		}
	}
	json.Unmarshal([]byte(r.body), &q)
	if r.header.Get("Location") != "/api/v1/requests/"+q.ID || len(q.Agencies) != 3 || q.Sections[0] != "chronology" {
		t.Fatalf("created: %s %s", r.header.Get("Location"), r.body)
	}
	for i, want := range []struct{ email, org, due string }{{"head@school.example", "Hill Primary School", "2026-03-20"},
		{"gp@surgery.example", "Elm Surgery", "2026-03-27"}, {"pc@police.example", "Thames Valley Police", ""}} {
		a := q.Agencies[i]
		if a.Professional.Email != want.email || a.Professional.Organisation != want.org || a.DueDate != want.due || a.Status != "sent" ||
			a.Email.Status != store.MailQueued || a.Delegation != "/api/v1/delegations/"+a.ID {
			t.Fatalf("agency %d: %+v", i, a)
		}
		if code, d := e.call(e.key, "GET", "/delegations/"+a.ID, nil); code != 200 || d["status"] != "sent" {
			t.Fatalf("agency %d's delegation: %d %v", i, code, d)
		}
	}
	// A retry with the same key is answered again, and sends nothing more.
	again := e.raw("POST", "/requests", h, string(body))
	if again.code != http.StatusCreated || again.header.Get("Idempotent-Replayed") != "true" || again.body != r.body {
		t.Fatalf("retry: %d %s", again.code, again.header.Get("Idempotent-Replayed"))
	}
	if list, _ := e.store.ListRequests(ctx, 10); len(list) != 1 {
		t.Fatalf("%d requests after a retry, want 1", len(list))
	}
	if mails, _ := e.store.RecentMail(ctx, 100); len(mails) != 3 {
		t.Fatalf("%d emails after a retry, want 3", len(mails))
	}

	// Progress follows each delegation.
	if code, _ := e.call(e.key, "POST", "/delegations/"+q.Agencies[2].ID+"/reassign", map[string]any{"reason": "Moved team",
		"professional": map[string]any{"email": "sgt@police.example", "name": "Sgt Kaur"}}); code != 200 {
		t.Fatalf("reassign: %d", code)
	}
	if code, _ := e.call(e.key, "POST", "/delegations/"+q.Agencies[1].ID+"/retract", map[string]any{"reason": "Not involved"}); code != 200 {
		t.Fatalf("retract: %d", code)
	}
	head := e.auditHead()
	code, got := e.call(e.key, "GET", "/requests/"+q.ID, nil)
	agencies, _ := got["agencies"].([]any)
	if code != 200 || len(agencies) != 3 {
		t.Fatalf("GET request: %d %v", code, got)
	}
	second, third := agencies[1].(map[string]any), agencies[2].(map[string]any)
	if second["status"] != "retracted" || third["reassigned"] != true || third["professional"].(map[string]any)["email"] != "sgt@police.example" {
		t.Fatalf("progress: %v", agencies)
	}
	if strings.Contains(mustJSON(got), "Boreo") {
		t.Fatalf("a request names a child; its delegations do: %v", got)
	}
	if audit := e.auditAfter(head); len(audit) != 1 || audit[0] != "api:lcs | viewed request | "+q.ID {
		t.Fatalf("audit of the read: %q", audit)
	}
	if code, _ := e.call(e.key, "GET", "/requests/nope", nil); code != http.StatusNotFound {
		t.Fatalf("a missing request: %d", code)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAPIRequestProblemsListedByPath(t *testing.T) {
	e := newEnv(t)
	bad := newRequest()
	agencies := bad["agencies"].([]any)
	agencies[2].(map[string]any)["professional"] = map[string]any{"email": "GP@surgery.example ", "name": ""}
	agencies[1].(map[string]any)["dueDate"] = "27/3/2026"
	bad["sections"] = []any{"nope"}
	code, out := e.call(e.key, "POST", "/requests", bad)
	if code != http.StatusBadRequest {
		t.Fatalf("bad request: %d %v", code, out)
	}
	paths := map[string]bool{}
	for _, x := range out["errors"].([]any) {
		paths[x.(map[string]any)["path"].(string)] = true
	}
	for _, p := range []string{"sections[0]", "agencies[1].dueDate", "agencies[2].professional.name", "agencies[2].professional.email"} {
		if !paths[p] {
			t.Errorf("no problem at %s: %v", p, out["errors"])
		}
	}
	none := newRequest()
	none["agencies"] = []any{}
	if code, out := e.call(e.key, "POST", "/requests", none); code != http.StatusBadRequest || !strings.Contains(mustJSON(out), "at least one professional") {
		t.Fatalf("no agencies: %d %v", code, out)
	}
	many := newRequest()
	var list []any
	for i := range 21 {
		list = append(list, map[string]any{"professional": map[string]any{"email": strings.Repeat("a", i+1) + "@x.example", "name": "A"}})
	}
	many["agencies"] = list
	if code, out := e.call(e.key, "POST", "/requests", many); code != http.StatusBadRequest || !strings.Contains(mustJSON(out), "at most 20") {
		t.Fatalf("21 agencies: %d %v", code, out)
	}
	if got, _ := e.store.ListRequests(context.Background(), 10); len(got) != 0 {
		t.Fatalf("a refused request was kept: %v", got)
	}
}
