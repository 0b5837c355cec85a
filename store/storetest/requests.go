package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"formportal/store"
)

func testRequests(t *testing.T, st store.Store) {
	ctx := context.Background()
	q := &store.Request{ID: "q1", FormID: "multi-agency-chronology", FormVersion: 1, Sections: []string{"chronology"}, CreatedBy: "jo@council.example", CreatedAt: t0}
	if err := st.CreateRequest(ctx, q); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateRequest(ctx, &store.Request{ID: "q2", FormID: "care-plan", FormVersion: 2, CreatedBy: "api:lcs", CreatedAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Request(ctx, "q1")
	if err != nil || got.FormID != q.FormID || got.FormVersion != 1 || !slices.Equal(got.Sections, q.Sections) || got.CreatedBy != q.CreatedBy || !got.CreatedAt.Equal(t0) {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	if got, err := st.Request(ctx, "q2"); err != nil || len(got.Sections) != 0 {
		t.Fatalf("a request for the whole form: %+v, %v", got, err)
	}
	if _, err := st.Request(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a missing request: %v, want ErrNotFound", err)
	}
	list, err := st.ListRequests(ctx, 10)
	if err != nil || len(list) != 2 || list[0].ID != "q2" || list[1].ID != "q1" {
		t.Fatalf("list, newest first: %+v, %v", list, err)
	}

	// Three delegations, two in the request (made in a transaction, as casework does) and one on its own.
	err = st.InTx(ctx, func(tx store.Data) error {
		for i, id := range []string{"school", "gp"} {
			r := newResponse(id, id+"@agency.example")
			r.CreatedAt = t0.Add(time.Duration(i) * time.Minute)
			if err := tx.CreateResponse(ctx, r, nil); err != nil {
				return err
			}
			if err := tx.AddToRequest(ctx, "q1", id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateResponse(ctx, newResponse("alone", "alone@agency.example"), nil); err != nil {
		t.Fatal(err)
	}
	members, err := st.RequestResponses(ctx, "q1")
	if err != nil || len(members) != 2 || members[0].ID != "school" || members[1].ID != "gp" {
		t.Fatalf("the request's delegations, oldest first: %v, %v", ids(members), err)
	}
	// A later save of a delegation keeps it in its request.
	r := members[0]
	r.Status = store.StatusInProgress
	if err := st.UpdateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if members, _ := st.RequestResponses(ctx, "q1"); len(members) != 2 || members[0].Status != store.StatusInProgress {
		t.Fatalf("after a save: %v", ids(members))
	}
	if members, err := st.RequestResponses(ctx, "q2"); err != nil || len(members) != 0 {
		t.Fatalf("a request with no delegations: %v, %v", ids(members), err)
	}
	if err := st.AddToRequest(ctx, "q1", "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("adding a missing response: %v, want ErrNotFound", err)
	}
	// A failed transaction leaves no membership behind.
	boom := errors.New("boom")
	err = st.InTx(ctx, func(tx store.Data) error {
		if err := tx.AddToRequest(ctx, "q2", "alone"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if members, _ := st.RequestResponses(ctx, "q2"); len(members) != 0 {
		t.Fatalf("rolled back membership stayed: %v", ids(members))
	}
}
