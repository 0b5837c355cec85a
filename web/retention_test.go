package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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

// Housekeeping removes the API's events and their webhook deliveries 90 days after they happened and
// were delivered (a failed delivery 90 days after it failed), not a moment before, and the event feed
// then answers a cursor from before them 410 Gone, saying how long events are kept.
func TestHousekeepPurgesEventsAfterTheirPeriod(t *testing.T) {
	e, key := newDelegationEnv(t)
	ctx := context.Background()
	if err := e.store.CreateWebhookEndpoint(ctx, &store.WebhookEndpoint{ID: "w1", URL: "https://lcs.example/hook", Secret: "whsec_dGVzdA==", CreatedAt: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"msg_1", "msg_2"} {
		if err := e.store.AddAPIEvent(ctx, &store.APIEvent{ID: id, Type: "delegation.submitted", ResponseID: "d1", At: e.clock.Now(), Data: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	// The endpoint takes msg_1; msg_2 fails for good.
	for i, ok := range []bool{true, false} {
		c, err := e.store.ClaimWebhookDeliveries(ctx, e.clock.Now(), time.Minute)
		if err != nil || len(c) != 1 || c[0].Event.ID != fmt.Sprintf("msg_%d", i+1) {
			t.Fatalf("claim: %+v, %v", c, err)
		}
		if ok {
			err = e.store.MarkWebhookDelivered(ctx, c[0].ID, e.clock.Now())
		} else {
			err = e.store.MarkWebhookAttemptFailed(ctx, c[0].ID, e.clock.Now(), "503", true)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	code, out := e.api(key, "GET", "/events?limit=1", nil)
	if code != 200 {
		t.Fatalf("events: %d %v", code, out)
	}
	cursor := out["next"].(string)

	e.clock.Advance(90 * retention.Day)
	e.app.Housekeep(ctx)
	if f, _ := e.store.FailedWebhookDeliveries(ctx, 10); len(f) != 1 {
		t.Fatalf("the failed delivery went at the end of its 90 days, not after: %+v", f)
	}
	if code, out := e.api(key, "GET", "/events?after="+cursor, nil); code != 200 || len(out["events"].([]any)) != 1 {
		t.Fatalf("events kept 90 days: %d %v", code, out)
	}
	e.clock.Advance(time.Millisecond)
	e.app.Housekeep(ctx)
	if f, _ := e.store.FailedWebhookDeliveries(ctx, 10); len(f) != 0 {
		t.Errorf("failed delivery kept after its period: %+v", f)
	}
	if left, _ := e.store.APIEventsAfter(ctx, 0, 10); len(left) != 0 {
		t.Errorf("events kept after their period: %+v", left)
	}
	code, out = e.api(key, "GET", "/events?after="+cursor, nil)
	if code != http.StatusGone || !strings.Contains(fmt.Sprint(out["detail"]), "keeps events for 90 days") {
		t.Errorf("a cursor from before the events held: %d %v", code, out)
	}
	log, _ := e.store.AuditLog(ctx, store.AuditFilter{Actor: retention.Actor, Limit: 10})
	var purges []string
	for _, en := range log {
		purges = append(purges, en.Detail)
	}
	joined := strings.Join(purges, "\n")
	for _, want := range []string{"2 webhook deliveries delivered or failed more than 90 days ago deleted", "2 API events older than 90 days deleted"} {
		if !strings.Contains(joined, want) {
			t.Errorf("audit log lacks %q:\n%s", want, joined)
		}
	}
}
