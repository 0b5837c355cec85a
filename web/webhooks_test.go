package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"formportal/store"
	"formportal/store/sqlstore"
	"formportal/webhook"
)

// TestWebhooksAdminPage: an admin adds an address (its secret shown once, not again), sees an event not
// delivered by the last try and resends it, and removes the address; a bad address is refused with the
// GOV.UK error; staff who are not admins do not find the page.
func TestWebhooksAdminPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.newStaffUser("boss@council.example", store.RoleAdmin)
	admin.get("/staff/webhooks").status(http.StatusOK).see("There are no webhook addresses")
	admin.post("/staff/webhooks", "url", "http://lcs.example/events").status(http.StatusUnprocessableEntity).see("Enter an https address")
	admin.post("/staff/webhooks", "url", "https://lcs.council.example/events").status(http.StatusOK).see("Webhook added", "https://lcs.council.example/events")
	m := regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`).FindString(admin.last)
	list, err := e.store.WebhookEndpoints(ctx)
	if err != nil || len(list) != 1 || m == "" || list[0].Secret != m {
		t.Fatalf("endpoints %+v, secret shown %q", list, m)
	}
	admin.get("/staff/webhooks").see("https://lcs.council.example/events")
	if regexp.MustCompile(`whsec_`).MatchString(admin.last) {
		t.Fatal("the secret is shown again")
	}
	// An event the endpoint did not take by the last try.
	ev := &store.APIEvent{ID: "msg_1", Type: "delegation.submitted", ResponseID: "d1", At: e.clock.Now(), Data: json.RawMessage(`{}`)}
	if err := e.store.AddAPIEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	claimed, err := e.store.ClaimWebhookDeliveries(ctx, e.clock.Now(), 0)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if err := e.store.MarkWebhookAttemptFailed(ctx, claimed[0].ID, e.clock.Now(), "the endpoint answered 503 Service Unavailable", true); err != nil {
		t.Fatal(err)
	}
	admin.get("/staff/webhooks").see("delegation.submitted", "d1", "the endpoint answered 503 Service Unavailable", "Resend")
	admin.post("/staff/webhooks/deliveries/"+strconv.FormatInt(claimed[0].ID, 10)+"/resend").see("The event will be sent again", "Every event has been delivered or is still being tried")
	if f, _ := e.store.FailedWebhookDeliveries(ctx, 10); len(f) != 0 {
		t.Fatalf("still failed after resending: %+v", f)
	}
	admin.post("/staff/webhooks/"+list[0].ID+"/remove").see("The address has been removed", "There are no webhook addresses")
	worker := e.newStaffUser("worker@council.example", store.RoleStaff)
	worker.get("/staff/webhooks").status(http.StatusNotFound)
	worker.post("/staff/webhooks", "url", "https://evil.example/").status(http.StatusNotFound)
	if list, _ := e.store.WebhookEndpoints(ctx); len(list) != 0 {
		t.Fatalf("a worker added an endpoint: %+v", list)
	}
}

// TestChangesWakeTheWebhookSender: the app wakes the webhook sender it is given when one of its changes
// records an event, so the delivery goes at once, though the sender looks only once a minute.
func TestChangesWakeTheWebhookSender(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	arrived := make(chan string, 10)
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		arrived <- string(body)
	}))
	t.Cleanup(rc.Close)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	hooks := webhook.NewSender(db, webhook.Options{Poll: time.Minute, Logger: quiet})
	app, err := New(DefaultConfig(), Options{Store: db, Mailer: testOutbox(db, time.Now), Forms: fixtureForms(t), Logger: quiet, Webhooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := webhook.AddEndpoint(ctx, db, rc.URL, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { hooks.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	now := time.Now()
	d := &store.Response{ID: "d1", Kind: store.KindDelegation, FormID: "family-check", OwnerEmail: "pro@school.example", Status: store.StatusSent,
		CaseData: json.RawMessage(`{}`), Answers: json.RawMessage(`{}`), Reference: "FP-d1", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateResponse(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
	u := &store.User{ID: "u-pro", Email: "pro@school.example", Forename: "Sam", Surname: "Jones", PasswordHash: "x", CreatedAt: now, EmailVerifiedAt: now}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := app.work.SaveAutoReply(ctx, u, &store.AutoReply{ID: "ar1", UserID: u.ID, StartsOn: "2026-03-01", EndsOn: "2026-03-10", Message: "Away", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	select {
	case body := <-arrived:
		if !strings.Contains(body, `"delegation.auto_reply_changed"`) || !strings.Contains(body, `"d1"`) {
			t.Errorf("delivered: %s", body)
		}
	case <-time.After(5 * time.Second): // well within the minute between the sender's looks
		t.Fatal("no delivery within 5 seconds of the change; the sender looks once a minute")
	}
}
