package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"formportal/store"
)

// testResponseHolding: a reader holding a version's answers gets the response without them while that
// version is stored, and with the answers stored as soon as anyone saved another.
func testResponseHolding(t *testing.T, st store.Store) {
	ctx := context.Background()
	r := newResponse("r1", "pro@school.example")
	if err := st.CreateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	full, err := st.Response(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.ResponseHolding(ctx, "r1", full.Version)
	if err != nil || got.Answers != nil || got.Version != full.Version || got.OwnerEmail != full.OwnerEmail ||
		string(got.CaseData) != string(full.CaseData) || got.Status != full.Status {
		t.Fatalf("holding the stored version: %+v, %v; want the response without its answers", got, err)
	}
	full.Answers, full.UpdatedAt = json.RawMessage(`{"values":{"name":"Sam"}}`), t0.Add(time.Minute)
	if err := st.UpdateResponse(ctx, full, nil); err != nil {
		t.Fatal(err)
	}
	got, err = st.ResponseHolding(ctx, "r1", full.Version-1)
	if err != nil || string(got.Answers) != `{"values":{"name":"Sam"}}` || got.Version != full.Version {
		t.Fatalf("holding the version before a save: %+v, %v; want the answers saved", got, err)
	}
	if got, err := st.ResponseHolding(ctx, "r1", 0); err != nil || string(got.Answers) != `{"values":{"name":"Sam"}}` {
		t.Fatalf("holding nothing: %+v, %v; want the answers", got, err)
	}
	if _, err := st.ResponseHolding(ctx, "nope", 1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a missing response: got %v, want ErrNotFound", err)
	}
	// Inside a transaction too (a save reads the draft it replaces there).
	err = st.InTx(ctx, func(tx store.Data) error {
		got, err := tx.ResponseHolding(ctx, "r1", full.Version)
		if err == nil && (got.Answers != nil || got.Version != full.Version) {
			t.Errorf("in a transaction: %+v; want no answers", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testResponseHead: a response's head is its fields that say who it is for and what it is now, with none
// of its payloads, and follows every save.
func testResponseHead(t *testing.T, st store.Store) {
	ctx := context.Background()
	r := newResponse("r1", "pro@school.example")
	r.OwnerUserID = "u1"
	if err := st.CreateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	full, err := st.Response(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	want := store.Response{ID: full.ID, Kind: full.Kind, FormID: full.FormID, FormVersion: full.FormVersion, OwnerEmail: full.OwnerEmail,
		OwnerUserID: full.OwnerUserID, Status: full.Status, Version: full.Version}
	if got, err := st.ResponseHead(ctx, "r1"); err != nil || !reflect.DeepEqual(*got, want) {
		t.Fatalf("the head: %+v, %v; want %+v", got, err, want)
	}
	full.Status, full.UpdatedAt = store.StatusInProgress, t0.Add(time.Minute)
	if err := st.UpdateResponse(ctx, full, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ResponseHead(ctx, "r1"); err != nil || got.Version != full.Version || got.Status != store.StatusInProgress || got.Answers != nil || got.CaseData != nil {
		t.Fatalf("the head after a save: %+v, %v; want version %d, in progress, no payloads", got, err, full.Version)
	}
	if _, err := st.ResponseHead(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a missing response: got %v, want ErrNotFound", err)
	}
}
