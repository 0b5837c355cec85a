package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"formportal/casework"
	"formportal/store"
)

// post sends a JSON body with headers besides the test's key.
func (e *env) post(path string, body any, extra ...string) reply {
	e.t.Helper()
	h := http.Header{"Authorization": {"Bearer " + e.key}, "Content-Type": {"application/json"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	b, _ := json.Marshal(body)
	return e.raw(http.MethodPost, path, h, string(b))
}

// mailTo counts the emails queued to an address.
func (e *env) mailTo(addr string) int {
	e.t.Helper()
	list, err := e.store.RecentMail(context.Background(), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, m := range list {
		if m.To == addr {
			n++
		}
	}
	return n
}

func (e *env) delegations() int {
	e.t.Helper()
	list, err := e.store.ListResponses(context.Background(), store.ResponseFilter{Kind: store.KindDelegation})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(list)
}

// TestRetriedCreateSendsOneEmail: a create retried with the same Idempotency-Key and body gets the first
// answer again, byte for byte, and makes no second delegation and no second email, also when the
// retries race each other; the same key with another body is a 422; another key makes another.
func TestRetriedCreateSendsOneEmail(t *testing.T) {
	e := newEnv(t)
	body := newDelegation("pro@school.example")
	first := e.post("/delegations", body, "Idempotency-Key", "create-1")
	if first.code != http.StatusCreated || first.header.Get("ETag") != `"1"` || first.header.Get("Location") == "" {
		t.Fatalf("first: %d %v %s", first.code, first.header, first.body)
	}
	again := e.post("/delegations", body, "Idempotency-Key", "create-1")
	if again.code != http.StatusCreated || again.body != first.body || again.header.Get("Location") != first.header.Get("Location") ||
		again.header.Get("ETag") != first.header.Get("ETag") || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %v\n%s\nfirst:\n%s", again.code, again.header, again.body, first.body)
	}
	if n := e.mailTo("pro@school.example"); n != 1 {
		t.Fatalf("%d emails to the professional after a retried create, want 1", n)
	}
	if n := e.delegations(); n != 1 {
		t.Fatalf("%d delegations after a retried create, want 1", n)
	}
	other := newDelegation("pro@school.example")
	other["comments"] = "Something else"
	if r := e.post("/delegations", other, "Idempotency-Key", "create-1"); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Idempotency-Key") {
		t.Fatalf("the key with another body: %d %s", r.code, r.body)
	}
	// Racing retries of one request: one change, one email, the same answer for all.
	const racers = 8
	answers := make([]reply, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.post("/delegations", newDelegation("racer@school.example"), "Idempotency-Key", "create-2")
		}()
	}
	wg.Wait()
	for i, a := range answers {
		if a.code != http.StatusCreated || a.body != answers[0].body {
			t.Fatalf("racer %d: %d %s\nracer 0: %s", i, a.code, a.body, answers[0].body)
		}
	}
	if n := e.mailTo("racer@school.example"); n != 1 {
		t.Fatalf("%d emails after %d racing retries, want 1", n, racers)
	}
	if n := e.delegations(); n != 2 {
		t.Fatalf("%d delegations, want 2", n)
	}
	// Without a key, or with another, a create is a new delegation.
	e.post("/delegations", body)
	e.post("/delegations", body, "Idempotency-Key", "create-3")
	if n := e.mailTo("pro@school.example"); n != 3 {
		t.Fatalf("%d emails to the professional, want 3", n)
	}
	if r := e.post("/delegations", body, "Idempotency-Key", "not ascii é"); r.code != http.StatusBadRequest {
		t.Fatalf("a key with spaces and accents: %d %s", r.code, r.body)
	}
}

// TestRetriedChangeAnswersAsFirst: every POST takes the key: a retried re-assignment does not email the
// new professional twice, and its answer is the first one even after a later change.
func TestRetriedChangeAnswersAsFirst(t *testing.T) {
	e := newEnv(t)
	id := e.delegate("pro@school.example")
	to := map[string]any{"professional": map[string]any{"email": "new@school.example", "name": "New Person"}, "reason": "left"}
	first := e.post("/delegations/"+id+"/reassign", to, "Idempotency-Key", "move-1")
	if first.code != http.StatusOK {
		t.Fatalf("reassign: %d %s", first.code, first.body)
	}
	if r := e.post("/delegations/"+id+"/retract", map[string]any{"reason": "done"}, "Idempotency-Key", "retract-1"); r.code != http.StatusOK {
		t.Fatalf("retract: %d %s", r.code, r.body)
	}
	again := e.post("/delegations/"+id+"/reassign", to, "Idempotency-Key", "move-1")
	if again.code != http.StatusOK || again.body != first.body {
		t.Fatalf("the retried re-assignment: %d %s", again.code, again.body)
	}
	if n := e.mailTo("new@school.example"); n != 1 {
		t.Fatalf("%d emails to the new professional, want 1", n)
	}
	// The same key on another path is another request.
	if r := e.post("/delegations/"+id+"/retract", to, "Idempotency-Key", "move-1"); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("the key on another path: %d %s", r.code, r.body)
	}
}

// TestStaleIfMatch: answers carry the record's version as ETag; a change sent with an If-Match that is
// no longer the version is refused with 412 and changes nothing; with the current one it is made.
func TestStaleIfMatch(t *testing.T) {
	e := newEnv(t)
	id := e.delegate("pro@school.example")
	got := e.raw(http.MethodGet, "/delegations/"+id, http.Header{"Authorization": {"Bearer " + e.key}}, "")
	v1 := got.header.Get("ETag")
	if v1 != `"1"` {
		t.Fatalf("ETag %q, want \"1\"", v1)
	}
	to := map[string]any{"professional": map[string]any{"email": "new@school.example", "name": "New Person"}}
	moved := e.post("/delegations/"+id+"/reassign", to, "If-Match", v1)
	v2 := moved.header.Get("ETag")
	if moved.code != http.StatusOK || v2 != `"2"` {
		t.Fatalf("reassign at the current version: %d %q %s", moved.code, v2, moved.body)
	}
	// Another system, still holding version 1, tries to retract.
	r := e.post("/delegations/"+id+"/retract", map[string]any{"reason": "x"}, "If-Match", v1)
	if r.code != http.StatusPreconditionFailed || !strings.Contains(r.body, `"If-Match"`) {
		t.Fatalf("retract at a stale version: %d %s", r.code, r.body)
	}
	if _, d := e.call(e.key, "GET", "/delegations/"+id, nil); d["status"] != string(store.StatusSent) {
		t.Fatalf("a stale If-Match changed the delegation: %v", d["status"])
	}
	for _, bad := range []string{"2", `W/"2"`, `"two"`} {
		if r := e.post("/delegations/"+id+"/retract", map[string]any{}, "If-Match", bad); r.code != http.StatusPreconditionFailed {
			t.Errorf("If-Match %s: %d", bad, r.code)
		}
	}
	if r := e.post("/delegations/"+id+"/retract", map[string]any{"reason": "x"}, "If-Match", v2); r.code != http.StatusOK || r.header.Get("ETag") != `"3"` {
		t.Fatalf("retract at the current version: %d %s", r.code, r.body)
	}
	// The check is made in the change's transaction: a change that came between the API's read and the
	// write is caught there too.
	other := e.delegate("other@school.example")
	if _, err := e.work.Retract(casework.IfVersion(context.Background(), 7), other, "api:lcs", "x"); !errors.Is(err, casework.ErrVersion) {
		t.Fatalf("a change at a version the record is not at: %v", err)
	}
}
