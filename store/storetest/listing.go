package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"formportal/store"
)

// submitted is a delegation as it stands once submitted.
func submitted(id string, at time.Time) *store.Response {
	r := newResponse(id, "pro@school.example")
	r.Status, r.Submission, r.SubmittedAt, r.UpdatedAt = store.StatusSubmitted, json.RawMessage(`{"values":{}}`), at, at
	return r
}

// follow pages through ListResponsesAfter from after until a short page, returning the ids in order and
// where it stopped.
func follow(t *testing.T, st store.Store, f store.ResponseFilter, after int64) ([]string, int64) {
	t.Helper()
	var ids []string
	for {
		page, err := st.ListResponsesAfter(context.Background(), f, after)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			if r.ListSeq <= after {
				t.Fatalf("%s listed at %d, not after %d", r.ID, r.ListSeq, after)
			}
			ids = append(ids, r.ID)
			after = r.ListSeq
		}
		if len(page) < f.Limit {
			return ids, after
		}
	}
}

func testListAfter(t *testing.T, st store.Store) {
	ctx := context.Background()
	f := store.ResponseFilter{Kind: store.KindDelegation, Statuses: []store.Status{store.StatusSubmitted}, Limit: 2}
	if _, err := st.ListResponsesAfter(ctx, store.ResponseFilter{}, 0); err == nil {
		t.Error("a listing without a limit must be refused")
	}
	for i, id := range []string{"s1", "s2", "s3", "s4", "s5"} {
		if err := st.CreateResponse(ctx, submitted(id, t0.Add(time.Duration(i)*time.Minute)), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateResponse(ctx, newResponse("open", "pro@school.example"), nil); err != nil {
		t.Fatal(err)
	}
	ids, last := follow(t, st, f, 0)
	if fmt.Sprint(ids) != "[s1 s2 s3 s4 s5]" {
		t.Fatalf("first reading: %v", ids)
	}
	// A save that keeps the status does not move a response; a change of status out of the list and
	// back in (returned, then resubmitted) places it again, after everything listed so far.
	r, _ := st.Response(ctx, "s2")
	r.Comments = "read"
	if err := st.UpdateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := follow(t, st, f, last); len(again) != 0 {
		t.Fatalf("a save that kept the status listed again: %v", again)
	}
	r.Status = store.StatusReturned
	if err := st.UpdateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if ids, _ := follow(t, st, f, 0); fmt.Sprint(ids) != "[s1 s3 s4 s5]" {
		t.Fatalf("a returned submission is still listed: %v", ids)
	}
	r.Status, r.SubmittedAt = store.StatusSubmitted, t0.Add(time.Hour)
	if err := st.UpdateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	again, _ := follow(t, st, f, last)
	if fmt.Sprint(again) != "[s2]" {
		t.Fatalf("after the resubmission: %v, want [s2]", again)
	}
	if got, _ := st.Response(ctx, "s2"); got.ListSeq <= last {
		t.Errorf("resubmitted at place %d, not after %d", got.ListSeq, last)
	}
	f.SubmittedFrom = t0.Add(3 * time.Minute)
	if ids, _ := follow(t, st, f, 0); fmt.Sprint(ids) != "[s4 s5 s2]" {
		t.Fatalf("submitted from 09:03: %v, want [s4 s5 s2]", ids)
	}
}

// testListAfterWhileWriting has a reader follow the list while several writers submit: when they are
// done the reader has seen every submission exactly once.
func testListAfterWhileWriting(t *testing.T, st store.Store) {
	ctx := context.Background()
	const writers, each = 4, 50
	f := store.ResponseFilter{Kind: store.KindDelegation, Statuses: []store.Status{store.StatusSubmitted}, Limit: 7}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				r := newResponse(fmt.Sprintf("w%d-%d", w, i), "pro@school.example")
				if err := st.CreateResponse(ctx, r, nil); err != nil {
					t.Error(err)
					return
				}
				r.Status, r.Submission, r.SubmittedAt = store.StatusSubmitted, json.RawMessage(`{}`), t0
				if err := st.UpdateResponse(ctx, r, &store.Event{ID: "e-" + r.ID, ResponseID: r.ID, At: t0, Kind: "submitted"}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	seen := map[string]int{}
	var after int64
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true // one more reading after the last write
		default:
		}
		ids, last := follow(t, st, f, after)
		for _, id := range ids {
			seen[id]++
		}
		after = last
	}
	if len(seen) != writers*each {
		t.Errorf("%d submissions seen, want %d", len(seen), writers*each)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", id, n)
		}
	}
}
