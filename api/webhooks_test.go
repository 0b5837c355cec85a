package api_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/apievents"
	"formportal/casework"
	"formportal/engine/enginetest"
	"formportal/store"
	"formportal/webhook"
)

// receiver is a case system's webhook endpoint: it keeps what it was sent, and can be down (503).
type receiver struct {
	mu      sync.Mutex
	down    bool
	got     []received
	srv     *httptest.Server
	arrived chan struct{} // a signal for each delivery taken, as it is
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{arrived: make(chan struct{}, 100)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if rc.down {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		rc.got = append(rc.got, received{header: r.Header.Clone(), body: body})
		w.WriteHeader(http.StatusNoContent)
		select {
		case rc.arrived <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) setDown(down bool) {
	rc.mu.Lock()
	rc.down = down
	rc.mu.Unlock()
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// verifyStandardWebhook checks a delivery as the Standard Webhooks specification tells a receiver to,
// written here from the specification and not from package webhook: the secret is base64 after
// "whsec_"; the signed content is "webhook-id.webhook-timestamp.body"; webhook-signature is a
// space-separated list of "v1,base64(HMAC-SHA256)", any of which may match; the timestamp must be within
// five minutes of now.
func verifyStandardWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || id == "" {
		return fmt.Errorf("no webhook-id or webhook-timestamp: %v", h)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp %s is %v from now", ts, d)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		version, b64, ok := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(b64)
		if ok && version == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no signature matches: %q", h.Get("webhook-signature"))
}

// submit completes and submits a delegation as its professional would.
func (e *env) submit(id string) {
	e.t.Helper()
	ctx := context.Background()
	resp, err := e.store.Response(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	form := e.forms.Get(resp.FormID)
	var caseData any
	json.Unmarshal(resp.CaseData, &caseData)
	answers, err := json.Marshal(enginetest.Answers(form, caseData, 0, e.clock.Now()))
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.work.SaveDraft(ctx, id, resp.OwnerEmail, func(*store.Response) (casework.Edit, error) { return casework.Edit{Answers: answers}, nil }); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.work.Submit(ctx, id, resp.OwnerEmail); err != nil {
		e.t.Fatalf("submit %s: %v", id, err)
	}
}

func (e *env) sender() *webhook.Sender {
	return webhook.NewSender(e.store, webhook.Options{Now: e.clock.Now, Logger: slog.New(slog.NewTextHandler(e.logs, nil))})
}

// TestWebhookSignedAndVerifiedIndependently: a submitted delegation is told to the endpoint, signed so
// that an implementation of the specification written apart from the portal's accepts it (and rejects it
// under another secret or with its body changed); the body has ids and links, no child's details, and the
// links fetch the submission, its document and its PDF with the API key.
func TestWebhookSignedAndVerifiedIndependently(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t)
	ep, err := webhook.AddEndpoint(context.Background(), e.store, rc.srv.URL+"/events", "command line:test", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	id := e.delegate("pro@school.example")
	e.submit(id)
	if n, err := e.sender().Flush(context.Background()); err != nil || n != 1 {
		t.Fatalf("flush: %d, %v", n, err)
	}
	got := rc.received()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	d := got[0]
	if err := verifyStandardWebhook(ep.Secret, d.header, d.body, e.clock.Now()); err != nil {
		t.Fatalf("the delivery does not verify: %v", err)
	}
	if err := verifyStandardWebhook(webhook.NewSecret(), d.header, d.body, e.clock.Now()); err == nil {
		t.Fatal("the delivery verifies under another secret")
	}
	if err := verifyStandardWebhook(ep.Secret, d.header, append([]byte(nil), strings.Replace(string(d.body), id, "x"+id[1:], 1)...), e.clock.Now()); err == nil {
		t.Fatal("a changed body verifies")
	}
	for _, secret := range []string{"Aurora", "Orion", "Boreo", "2016-01-01", "Nyree"} {
		if strings.Contains(string(d.body), secret) {
			t.Fatalf("the webhook body holds a child's details (%s): %s", secret, d.body)
		}
	}
	var ev struct {
		Type string
		Data apievents.Data
	}
	if err := json.Unmarshal(d.body, &ev); err != nil || ev.Type != apievents.DelegationSubmitted || ev.Data.ID != id || ev.Data.Kind != "delegation" {
		t.Fatalf("the body: %s (%v)", d.body, err)
	}
	code, sub := e.call(e.key, "GET", strings.TrimPrefix(ev.Data.Submission, "/api/v1"), nil)
	if code != http.StatusOK || sub["id"] != id {
		t.Fatalf("the submission by the event's link: %d %v", code, sub)
	}
	if r := e.raw("GET", strings.TrimPrefix(ev.Data.Href, "/api/v1")+"/pdf", http.Header{"Authorization": {"Bearer " + e.key}}, ""); r.code != http.StatusOK || !strings.HasPrefix(r.body, "%PDF") {
		t.Fatalf("the PDF: %d", r.code)
	}
}

// TestWebhookReceiverDownThenUp: events of several delegations happen while the receiver is down; the
// sender retries with back-off; once it is up it gets every event exactly once, in the order they
// happened. An endpoint down for good has its delivery failed after the last try, listed for admins, and
// resending it delivers it.
func TestWebhookReceiverDownThenUp(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rc := newReceiver(t)
	if _, err := webhook.AddEndpoint(ctx, e.store, rc.srv.URL, "test", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	rc.setDown(true)
	sender := e.sender()
	owners := map[string]string{}
	var ids []string
	for i := range 3 {
		id := e.delegate(fmt.Sprintf("p%d@school.example", i))
		ids, owners[id] = append(ids, id), fmt.Sprintf("p%d@school.example", i)
	}
	var want []string // event ids in the order they happened
	for round := range 4 {
		for _, id := range ids {
			next := fmt.Sprintf("%s-%d@school.example", strings.Split(owners[id], "@")[0], round)
			if _, err := e.work.Reassign(ctx, id, owners[id], casework.Professional{Email: next, Name: "Next"}, "passed on"); err != nil {
				t.Fatal(err)
			}
			owners[id] = next
			e.clock.Advance(time.Second)
		}
		sender.Flush(ctx) // down: each try fails
		e.clock.Advance(3 * time.Minute)
	}
	feed, _ := e.store.APIEventsAfter(ctx, 0, 100)
	for _, ev := range feed {
		want = append(want, ev.ID)
	}
	if len(want) != 12 || len(rc.received()) != 0 {
		t.Fatalf("%d events, %d received while down", len(want), len(rc.received()))
	}
	rc.setDown(false)
	for range 20 {
		sender.Flush(ctx)
		e.clock.Advance(10 * time.Minute)
	}
	var got []string
	for _, d := range rc.received() {
		got = append(got, d.header.Get("webhook-id"))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("received after the receiver came back:\n%v\nwant, once each in order:\n%v", got, want)
	}
	// Down for good: failed after the last try, then resent.
	rc.setDown(true)
	if _, err := e.work.Reassign(ctx, ids[0], owners[ids[0]], casework.Professional{Email: "last@school.example", Name: "Last"}, "x"); err != nil {
		t.Fatal(err)
	}
	for range len(webhook.DefaultSchedule) + 1 {
		sender.Flush(ctx)
		e.clock.Advance(17 * time.Hour)
	}
	failed, err := e.store.FailedWebhookDeliveries(ctx, 10)
	if err != nil || len(failed) != 1 || failed[0].Attempts != len(webhook.DefaultSchedule)+1 || !strings.Contains(failed[0].LastError, "503") {
		t.Fatalf("after the last try: %+v, %v", failed, err)
	}
	rc.setDown(false)
	if n, _ := sender.Flush(ctx); n != 0 {
		t.Fatalf("a failed delivery was sent again unasked")
	}
	if err := e.store.ResendWebhookDelivery(ctx, failed[0].ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if n, _ := sender.Flush(ctx); n != 1 || len(rc.received()) != 13 {
		t.Fatalf("the resent delivery: %d, %d received", n, len(rc.received()))
	}
}

// TestEventFeedFollowedWhileArriving: a client follows the feed's cursor a page at a time while events
// keep arriving from several writers; across 1,200 events it sees each exactly once, in feed order.
func TestEventFeedFollowedWhileArriving(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const writers, each = 4, 300
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				r := &store.Response{ID: fmt.Sprintf("d%d-%d", w, i), Kind: store.KindDelegation}
				if err := e.store.InTx(ctx, func(tx store.Data) error {
					return apievents.Record(ctx, tx, apievents.DelegationSubmitted, r, e.clock.Now())
				}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	written := make(chan struct{})
	go func() { wg.Wait(); close(written) }()
	seen := map[string]int{}
	var order []string
	cursor := ""
	// An empty page while the writers write is the client being quicker than they are (on a loaded
	// machine, by far): it waits and asks again. Once every event is written, an empty page before all
	// were seen is an event the feed lost.
	for len(order) < writers*each {
		path := "/events?limit=100"
		if cursor != "" {
			path += "&after=" + cursor
		}
		code, out := e.call(e.key, "GET", path, nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, code, out)
		}
		for _, it := range out["events"].([]any) {
			ev := it.(map[string]any)
			id := ev["data"].(map[string]any)["id"].(string)
			seen[id]++
			order = append(order, ev["id"].(string))
		}
		cursor = out["next"].(string)
		if len(out["events"].([]any)) == 0 {
			select {
			case <-written:
				if page, _ := e.store.APIEventsAfter(ctx, 0, writers*each+1); len(order) < len(page) {
					// Written since this page was read? Ask once more before calling it lost.
					if _, again := e.call(e.key, "GET", path, nil); len(again["events"].([]any)) == 0 {
						t.Fatalf("every event is written and the feed after %s is empty, with %d of %d seen", cursor, len(order), len(page))
					}
				}
			case <-time.After(time.Millisecond):
			}
		}
	}
	wg.Wait()
	if len(seen) != writers*each {
		t.Fatalf("%d distinct events seen, want %d", len(seen), writers*each)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("event of %s seen %d times", id, n)
		}
	}
	feed, err := e.store.APIEventsAfter(ctx, 0, writers*each+1)
	if err != nil || len(feed) != writers*each {
		t.Fatalf("feed: %d, %v", len(feed), err)
	}
	for i := range feed {
		if feed[i].ID != order[i] {
			t.Fatalf("event %d seen out of the feed's order", i)
		}
	}
	if code, out := e.call(e.key, "GET", "/events?after="+cursor, nil); code != http.StatusOK || len(out["events"].([]any)) != 0 || out["more"] != false {
		t.Fatalf("after the last: %d %v", code, out)
	}
}

// TestWebhookSentWhenTheChangeCommits: with the sender looking for deliveries only once a minute, each
// change that records an event (a submission, an automatic reply set) wakes it, and the delivery
// arrives within seconds, in order.
func TestWebhookSentWhenTheChangeCommits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rc := newReceiver(t)
	if _, err := webhook.AddEndpoint(ctx, e.store, rc.srv.URL, "test", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	d1, d2 := e.delegate("pro@school.example"), e.delegate("other@school.example")
	sender := webhook.NewSender(e.store, webhook.Options{Now: e.clock.Now, Poll: time.Minute, Logger: slog.New(slog.NewTextHandler(e.logs, nil))})
	e.work.WakeWebhooks(sender)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sender.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	arrives := func(what string) {
		t.Helper()
		select {
		case <-rc.arrived:
		case <-time.After(5 * time.Second): // well within the minute between the sender's looks
			t.Fatalf("%s: no delivery within 5 seconds of the change; the sender looks once a minute", what)
		}
	}
	e.submit(d1)
	arrives("the first submission")
	u := &store.User{ID: "u-pro", Email: "other@school.example", Forename: "Alex", Surname: "Other", PasswordHash: "x", CreatedAt: e.clock.Now(), EmailVerifiedAt: e.clock.Now()}
	if err := e.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := e.work.SaveAutoReply(ctx, u, &store.AutoReply{ID: "ar1", UserID: u.ID, StartsOn: "2026-03-01", EndsOn: "2026-03-10", Message: "Away", CreatedAt: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	arrives("the automatic reply")
	e.submit(d2)
	arrives("the second submission")
	var got []string
	for _, r := range rc.received() {
		var ev struct {
			Type string
			Data struct{ ID string }
		}
		json.Unmarshal(r.body, &ev)
		got = append(got, ev.Type+" "+ev.Data.ID)
	}
	want := []string{apievents.DelegationSubmitted + " " + d1, apievents.DelegationAutoReplyChanged + " " + d2, apievents.DelegationSubmitted + " " + d2}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("delivered:\n%q\nwant:\n%q", got, want)
	}
}
