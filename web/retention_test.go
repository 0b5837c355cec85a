package web

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"formportal/retention"
	"formportal/store"
)

// submittedDelegation stores a submitted delegation of the family form, as the professional leaves it.
func submittedDelegation(t *testing.T, e *env, id string) {
	t.Helper()
	now := e.clock.Now()
	r := &store.Response{ID: id, Kind: store.KindDelegation, FormID: "family-check", OwnerEmail: "pro@school.example", Status: store.StatusSubmitted,
		CaseData: json.RawMessage(`{}`), Answers: json.RawMessage(`{"values":{}}`), Submission: json.RawMessage(`{"values":{}}`),
		Reference: "FP-" + id, CreatedAt: now, UpdatedAt: now, SubmittedAt: now}
	if err := e.store.CreateResponse(context.Background(), r, nil); err != nil {
		t.Fatal(err)
	}
}

// The case system's first fetch through the API, of the submission or in the list, starts a submission's
// retention; later fetches do not move it. 30 days after the first fetch it is kept, a moment later purged.
func TestSubmissionKeptThirtyDaysAfterTheFirstAPIFetch(t *testing.T) {
	e, key := newDelegationEnv(t)
	ctx := context.Background()
	submittedDelegation(t, e, "one")
	submittedDelegation(t, e, "listed")
	e.clock.Advance(time.Hour)
	first := e.clock.Now()
	if code, _ := e.api(key, "GET", "/delegations/one/submission", nil); code != 200 {
		t.Fatalf("fetch: %d", code)
	}
	if code, out := e.api(key, "GET", "/submissions", nil); code != 200 {
		t.Fatalf("list: %d %v", code, out)
	}
	e.clock.Advance(time.Hour)
	e.api(key, "GET", "/delegations/one/submission", nil)
	for _, id := range []string{"one", "listed"} {
		r, err := e.store.Response(ctx, id)
		if err != nil || !r.FetchedAt.Equal(first) {
			t.Fatalf("%s: fetched at %v, want the first fetch %v (%v)", id, r.FetchedAt, first, err)
		}
	}
	submittedDelegation(t, e, "unfetched") // submitted after the list was fetched, and never fetched

	e.clock.Advance(first.Add(30 * retention.Day).Sub(e.clock.Now()))
	e.app.Housekeep(ctx)
	for _, id := range []string{"one", "listed", "unfetched"} {
		if _, err := e.store.Response(ctx, id); err != nil {
			t.Fatalf("%s purged at the end of its 30 days, not after: %v", id, err)
		}
	}
	e.clock.Advance(time.Millisecond)
	e.app.Housekeep(ctx)
	for id, kept := range map[string]bool{"one": false, "listed": false, "unfetched": true} {
		_, err := e.store.Response(ctx, id)
		if (err == nil) != kept || err != nil && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: kept %v, want %v (%v)", id, err == nil, kept, err)
		}
	}
	log, _ := e.store.AuditLog(ctx, store.AuditFilter{Actor: retention.Actor, Record: "one", Limit: 5})
	if len(log) != 1 || log[0].Action != "purged" {
		t.Errorf("audit of the purge: %+v", log)
	}
}
