package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"formportal/store"
)

// testWebhooks: events take places in the feed in order and are delivered to every endpoint known when
// they happen; each endpoint is offered its oldest pending delivery only, when due; a failed one stops
// being offered until resent; removing an endpoint removes its deliveries.
func testWebhooks(t *testing.T, st store.Store) {
	ctx := context.Background()
	event := func(n int) *store.APIEvent {
		return &store.APIEvent{ID: fmt.Sprintf("msg_%d", n), Type: "delegation.submitted", ResponseID: fmt.Sprintf("d%d", n), At: t0.Add(time.Duration(n) * time.Minute),
			Data: json.RawMessage(fmt.Sprintf(`{"id":"d%d"}`, n))}
	}
	if err := st.AddAPIEvent(ctx, event(0)); err != nil { // before any endpoint: in the feed only
		t.Fatal(err)
	}
	for _, id := range []string{"w1", "w2"} {
		if err := st.CreateWebhookEndpoint(ctx, &store.WebhookEndpoint{ID: id, URL: "https://lcs.example/" + id, Secret: "whsec_" + id, CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	err := st.InTx(ctx, func(tx store.Data) error {
		for n := 1; n <= 3; n++ {
			if err := tx.AddAPIEvent(ctx, event(n)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	feed, err := st.APIEventsAfter(ctx, 0, 10)
	if err != nil || len(feed) != 4 {
		t.Fatalf("feed: %v, %v", feed, err)
	}
	for i, e := range feed {
		if e.ID != fmt.Sprintf("msg_%d", i) || (i > 0 && e.Seq <= feed[i-1].Seq) || string(e.Data) != fmt.Sprintf(`{"id":"d%d"}`, i) || !e.At.Equal(t0.Add(time.Duration(i)*time.Minute)) {
			t.Fatalf("feed[%d]: %+v", i, e)
		}
	}
	if rest, _ := st.APIEventsAfter(ctx, feed[1].Seq, 2); len(rest) != 2 || rest[0].ID != "msg_2" {
		t.Fatalf("after the second: %+v", rest)
	}
	now := t0.Add(time.Hour)
	claimed, err := st.ClaimWebhookDeliveries(ctx, now, time.Minute)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %+v, %v", claimed, err)
	}
	for _, d := range claimed {
		if d.Event.ID != "msg_1" || d.Attempts != 1 || d.Endpoint.URL != "https://lcs.example/"+d.Endpoint.ID || d.Endpoint.Secret != "whsec_"+d.Endpoint.ID {
			t.Fatalf("claimed: %+v", d)
		}
	}
	if again, _ := st.ClaimWebhookDeliveries(ctx, now, time.Minute); len(again) != 0 {
		t.Fatalf("claimed twice within the lease: %+v", again)
	}
	w1, w2 := claimed[0], claimed[1]
	if w1.Endpoint.ID != "w1" {
		w1, w2 = w2, w1
	}
	if err := st.MarkWebhookDelivered(ctx, w1.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkWebhookAttemptFailed(ctx, w2.ID, now.Add(10*time.Minute), "503", false); err != nil {
		t.Fatal(err)
	}
	next, err := st.ClaimWebhookDeliveries(ctx, now.Add(2*time.Minute), time.Minute)
	if err != nil || len(next) != 1 || next[0].Endpoint.ID != "w1" || next[0].Event.ID != "msg_2" {
		t.Fatalf("after w1 took msg_1 and w2 failed: %+v, %v", next, err)
	}
	if err := st.MarkWebhookDelivered(ctx, next[0].ID, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// w2 is not offered msg_2 before msg_1; at its time, msg_1 again, with its count of tries.
	retry, _ := st.ClaimWebhookDeliveries(ctx, now.Add(10*time.Minute), time.Minute)
	r2 := forEndpoint(retry, "w2")
	if len(r2) != 1 || r2[0].Event.ID != "msg_1" || r2[0].Attempts != 2 || r2[0].LastError != "503" {
		t.Fatalf("w2's retry: %+v", retry)
	}
	if err := st.MarkWebhookAttemptFailed(ctx, w2.ID, now.Add(11*time.Minute), "connection refused", true); err != nil {
		t.Fatal(err)
	}
	failed, err := st.FailedWebhookDeliveries(ctx, 10)
	if err != nil || len(failed) != 1 || failed[0].ID != w2.ID || failed[0].LastError != "connection refused" || failed[0].FailedAt.IsZero() {
		t.Fatalf("failed: %+v, %v", failed, err)
	}
	// Failed, msg_1 no longer holds up w2's msg_2.
	if c := forEndpoint(must(st.ClaimWebhookDeliveries(ctx, now.Add(12*time.Minute), time.Minute)), "w2"); len(c) != 1 || c[0].Event.ID != "msg_2" {
		t.Fatalf("after w2's msg_1 failed: %+v", c)
	}
	if err := st.ResendWebhookDelivery(ctx, w2.ID, now.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := st.ResendWebhookDelivery(ctx, w2.ID, now.Add(20*time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("resending one not failed: %v", err)
	}
	if f, _ := st.FailedWebhookDeliveries(ctx, 10); len(f) != 0 {
		t.Fatalf("still failed after a resend: %+v", f)
	}
	if err := st.DeleteWebhookEndpoint(ctx, "w2"); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteWebhookEndpoint(ctx, "w2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting it again: %v", err)
	}
	if list, _ := st.WebhookEndpoints(ctx); len(list) != 1 || list[0].ID != "w1" {
		t.Fatalf("endpoints: %+v", list)
	}
	if c := must(st.ClaimWebhookDeliveries(ctx, now.Add(30*time.Minute), time.Minute)); len(forEndpoint(c, "w2")) != 0 {
		t.Fatalf("after removing w2: %+v", c)
	}
}

func forEndpoint(list []store.WebhookDelivery, id string) []store.WebhookDelivery {
	var out []store.WebhookDelivery
	for _, d := range list {
		if d.Endpoint.ID == id {
			out = append(out, d)
		}
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// testWebhookPurge: deliveries delivered, or failed and not resent, before the cut are removed, the
// pending and the recent kept; events before the cut are removed from the start of the feed only, up to
// the first one still held by a delivery or too recent, so the feed keeps every event from a place on,
// and says up to which place it was purged.
func testWebhookPurge(t *testing.T, st store.Store) {
	ctx := context.Background()
	if through, err := st.APIEventsPurgedThrough(ctx); err != nil || through != 0 {
		t.Fatalf("purged through, empty: %d, %v", through, err)
	}
	if n, err := st.DeleteAPIEventsBefore(ctx, t0); err != nil || n != 0 {
		t.Fatalf("purge of an empty feed: %d, %v", n, err)
	}
	if err := st.CreateWebhookEndpoint(ctx, &store.WebhookEndpoint{ID: "w1", URL: "https://lcs.example/w1", Secret: "whsec_w1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	// Events 1 to 6, a day apart.
	day := 24 * time.Hour
	var seqs []int64
	for n := 1; n <= 6; n++ {
		e := &store.APIEvent{ID: fmt.Sprintf("msg_%d", n), Type: "delegation.submitted", ResponseID: fmt.Sprintf("d%d", n),
			At: t0.Add(time.Duration(n) * day), Data: json.RawMessage(`{}`)}
		if err := st.AddAPIEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, e.Seq)
	}
	// w1 takes 1 and 2 as they happen and gives up on 3 and 4; 5 and 6 are pending.
	deliver := func(want string, at time.Time, ok bool) {
		t.Helper()
		c := must(st.ClaimWebhookDeliveries(ctx, at, time.Minute))
		if len(c) != 1 || c[0].Event.ID != want {
			t.Fatalf("claimed at %v: %+v, want %s", at, c, want)
		}
		if ok {
			must(0, st.MarkWebhookDelivered(ctx, c[0].ID, at))
		} else {
			must(0, st.MarkWebhookAttemptFailed(ctx, c[0].ID, at, "503", true))
		}
	}
	deliver("msg_1", t0.Add(1*day), true)
	deliver("msg_2", t0.Add(2*day), true)
	deliver("msg_3", t0.Add(3*day), false)
	deliver("msg_4", t0.Add(4*day), false)
	purge := func(what string, del func(context.Context, time.Time) (int, error), before time.Time, want int) {
		t.Helper()
		if n, err := del(ctx, before); err != nil || n != want {
			t.Fatalf("%s purged before day %d: %d, %v; want %d", what, before.Sub(t0)/day, n, err, want)
		}
	}
	through := func(want int64) {
		t.Helper()
		if got, err := st.APIEventsPurgedThrough(ctx); err != nil || got != want {
			t.Fatalf("purged through %d, %v; want %d", got, err, want)
		}
	}
	// Before day 3: the deliveries of 1 and 2 go; 3's, failed at day 3, stays.
	purge("deliveries", st.DeleteWebhookDeliveriesBefore, t0.Add(3*day), 2)
	if f := must(st.FailedWebhookDeliveries(ctx, 10)); len(f) != 2 || f[0].Event.ID != "msg_4" || f[1].Event.ID != "msg_3" {
		t.Fatalf("failed deliveries kept: %+v", f)
	}
	// Events before day 4: 1 and 2 go; 3 is held by its failed delivery.
	purge("events", st.DeleteAPIEventsBefore, t0.Add(4*day), 2)
	through(seqs[1])
	// 4's delivery is resent: pending again, it is kept however old; 3's, failed long ago, goes.
	four := must(st.FailedWebhookDeliveries(ctx, 10))[0]
	must(0, st.ResendWebhookDelivery(ctx, four.ID, t0.Add(4*day)))
	purge("deliveries", st.DeleteWebhookDeliveriesBefore, t0.Add(10*day), 1)
	// Events before day 10: 3 goes; 4 is held by its delivery, and 5 and 6 stay behind it.
	purge("events", st.DeleteAPIEventsBefore, t0.Add(10*day), 1)
	through(seqs[2])
	if feed := must(st.APIEventsAfter(ctx, 0, 10)); len(feed) != 3 || feed[0].ID != "msg_4" || feed[2].ID != "msg_6" {
		t.Fatalf("feed left: %+v", feed)
	}
	// Delivered on day 11, the deliveries stay until the period after that has passed, and hold their events.
	deliver("msg_4", t0.Add(11*day), true)
	deliver("msg_5", t0.Add(11*day), true)
	deliver("msg_6", t0.Add(11*day), true)
	purge("deliveries", st.DeleteWebhookDeliveriesBefore, t0.Add(11*day), 0)
	purge("events", st.DeleteAPIEventsBefore, t0.Add(100*day), 0)
	purge("deliveries", st.DeleteWebhookDeliveriesBefore, t0.Add(100*day), 3)
	// Events before day 5: 4 only; 5 happened at day 5.
	purge("events", st.DeleteAPIEventsBefore, t0.Add(5*day), 1)
	purge("events", st.DeleteAPIEventsBefore, t0.Add(100*day), 2)
	through(seqs[5])
	// The next event takes the next place, and is in the feed.
	e := &store.APIEvent{ID: "msg_7", Type: "delegation.submitted", ResponseID: "d7", At: t0.Add(101 * day), Data: json.RawMessage(`{}`)}
	if err := st.AddAPIEvent(ctx, e); err != nil || e.Seq != seqs[5]+1 {
		t.Fatalf("event after the purge: place %d, %v", e.Seq, err)
	}
	if feed := must(st.APIEventsAfter(ctx, seqs[5], 10)); len(feed) != 1 || feed[0].ID != "msg_7" {
		t.Fatalf("feed after the purge: %+v", feed)
	}
}
