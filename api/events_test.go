package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"formportal/apievents"
	"formportal/casework"
	"formportal/internal/smtptest"
	"formportal/mail"
	"formportal/store"
)

// feedTypes follows the feed from the start and returns "type id" of each event.
func (e *env) feedTypes() []string {
	e.t.Helper()
	code, out := e.call(e.key, "GET", "/events?limit=500", nil)
	if code != http.StatusOK {
		e.t.Fatalf("events: %d %v", code, out)
	}
	var got []string
	for _, it := range out["events"].([]any) {
		ev := it.(map[string]any)
		got = append(got, ev["type"].(string)+" "+ev["data"].(map[string]any)["id"].(string))
	}
	return got
}

// TestEventsOfEveryKind: each event is made by the change it tells of, in that change's transaction:
// a delegation submitted, re-assigned by its professional (not by the council), its email undeliverable,
// its professional's automatic reply set or removed; a referral submitted, and submitted again after a
// return.
func TestEventsOfEveryKind(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d1 := e.delegate("pro@school.example")
	d2 := e.delegate("gone@school.example")
	// The council re-assigning is not an event; the professional passing it on is.
	if r := e.post("/delegations/"+d1+"/reassign", map[string]any{"professional": map[string]any{"email": "pro2@school.example", "name": "Pro Two"}}); r.code != http.StatusOK {
		t.Fatalf("reassign: %d %s", r.code, r.body)
	}
	if _, err := e.work.Reassign(ctx, d1, "pro2@school.example", casework.Professional{Email: "pro@school.example", Name: "Sam Jones"}, "back to Sam"); err != nil {
		t.Fatal(err)
	}
	// The professional's automatic reply, set and removed.
	u := &store.User{ID: "u-pro", Email: "pro@school.example", Forename: "Sam", Surname: "Jones", PasswordHash: "x", CreatedAt: e.clock.Now(), EmailVerifiedAt: e.clock.Now()}
	if err := e.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	reply := &store.AutoReply{ID: "ar1", UserID: u.ID, StartsOn: "2026-03-01", EndsOn: "2026-03-10", Message: "Away", CreatedAt: e.clock.Now()}
	if err := e.work.SaveAutoReply(ctx, u, reply); err != nil {
		t.Fatal(err)
	}
	if err := e.work.DeleteAutoReply(ctx, u, "ar1"); err != nil {
		t.Fatal(err)
	}
	// The email to gone@ is refused for good by the mail server.
	srv := smtptest.Start(t)
	srv.RefuseRecipient("gone@school.example")
	host, port := srv.Addr()
	sender := mail.NewSender(e.store, &mail.SMTPTransport{Host: host, Port: port, TLS: mail.TLSNone, Timeout: 5 * time.Second},
		"Portal <donotreply@council.example>", mail.SenderOptions{Now: e.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	e.submit(d1)
	// A referral submitted, returned, and submitted again.
	ref, err := e.work.StartReferral(ctx, "concern", casework.Referrer{UserID: u.ID, Email: u.Email, Name: "Sam Jones", Audience: "professional"})
	if err != nil {
		t.Fatal(err)
	}
	e.submit(ref.ID)
	r := e.post("/referrals/"+ref.ID+"/return", map[string]any{"reason": "Insufficient Detail"})
	var ret struct{ Reopened string }
	if r.code != http.StatusOK || json.Unmarshal([]byte(r.body), &ret) != nil {
		t.Fatalf("return: %d %s", r.code, r.body)
	}
	e.submit(ret.Reopened)

	want := []string{
		apievents.DelegationReassigned + " " + d1,
		apievents.DelegationAutoReplyChanged + " " + d1,
		apievents.DelegationAutoReplyChanged + " " + d1,
		apievents.DelegationEmailUndeliverable + " " + d2,
		apievents.DelegationSubmitted + " " + d1,
		apievents.ReferralSubmitted + " " + ref.ID,
		apievents.ReferralResubmitted + " " + ret.Reopened,
	}
	got := e.feedTypes()
	if len(got) != len(want) {
		t.Fatalf("events:\n%q\nwant:\n%q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events:\n%q\nwant:\n%q", got, want)
		}
	}
}

// TestEventFeedAfterItsEventsArePurged: once the oldest events are removed at the end of their period,
// the feed without after starts at the oldest held, a cursor still inside the feed carries on, and a
// cursor whose following events are gone is answered 410 Gone, a problem saying to start again; on a
// feed emptied by the purge, the next of a fresh start carries on after the events removed.
func TestEventFeedAfterItsEventsArePurged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, email := range []string{"a@school.example", "b@school.example", "c@school.example"} {
		e.submit(e.delegate(email))
		e.clock.Advance(24 * time.Hour)
	}
	page := func(path string, want int) map[string]any {
		t.Helper()
		code, out := e.call(e.key, "GET", path, nil)
		if code != want {
			t.Fatalf("GET %s: %d %v, want %d", path, code, out, want)
		}
		return out
	}
	first := page("/events?limit=1", 200)["next"].(string)
	second := page("/events?limit=1&after="+first, 200)["next"].(string)
	// The first event, a day older than the rest, goes.
	if n, err := e.store.DeleteAPIEventsBefore(ctx, e.clock.Now().Add(-48*time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	if got := page("/events", 200)["events"].([]any); len(got) != 2 {
		t.Fatalf("from the oldest held: %d events, want 2", len(got))
	}
	if got := page("/events?after="+first, 200)["events"].([]any); len(got) != 2 {
		t.Fatalf("after the event purged, the cursor loses nothing: %d events, want 2", len(got))
	}
	if n, err := e.store.DeleteAPIEventsBefore(ctx, e.clock.Now()); err != nil || n != 2 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	for _, cursor := range []string{first, second} {
		gone := page("/events?after="+cursor, http.StatusGone)
		errs, _ := gone["errors"].([]any)
		if gone["title"] != "Gone" || len(errs) != 1 || errs[0].(map[string]any)["path"] != "after" || !strings.Contains(gone["detail"].(string), "Start again without after") {
			t.Errorf("410: %v", gone)
		}
	}
	fresh := page("/events", 200)
	if len(fresh["events"].([]any)) != 0 || fresh["more"] != false {
		t.Fatalf("emptied feed: %v", fresh)
	}
	e.submit(e.delegate("d@school.example"))
	if got := page("/events?after="+fresh["next"].(string), 200)["events"].([]any); len(got) != 1 {
		t.Fatalf("after a fresh start on the emptied feed: %d events, want the new one", len(got))
	}
}
