package web

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"formportal/forms"
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

// A form's own draft period is what the referrer is told: kept 10 days from its start, whatever the saves.
func TestRecoverAFormShowsTheFormsOwnDraftPeriod(t *testing.T) {
	e, _ := newDelegationEnv(t)
	raw, err := os.ReadFile("../testdata/valid/referral/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(raw), "id: concern\n", "id: concern\nretention: { drafts: 10, draftsFrom: start }\n", 1)
	lib, err := forms.LoadFrom(fstest.MapFS{"concern.yaml": {Data: []byte(yaml)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	e.useForms(lib)
	b, id := startConcern(t, e, "fixed@example.org")
	ends := e.clock.Now().Add(10 * retention.Day).Format("2 January 2006")
	e.clock.Advance(9 * retention.Day)
	b.login("fixed@example.org", testPassword)
	b.get("/referrals/"+id+"/pages/you").post("/referrals/"+id+"/pages/you", "your_name", "Rose Berry", "action", "save").
		see("You can find it under Recover a Form until " + ends)
	b.get("/recover").see(ends)
	e.clock.Advance(retention.Day + time.Millisecond)
	b.login("fixed@example.org", testPassword)
	b.get("/recover").see("Recover a Form")
	if strings.Contains(b.last, ends) {
		t.Error("a draft past its period is still offered")
	}
	e.app.Housekeep(context.Background())
	if _, err := e.store.Response(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a draft 10 days from its start, saved a day ago, was kept: %v", err)
	}
}
