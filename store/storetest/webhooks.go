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
