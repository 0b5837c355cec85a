package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"formportal/store"
)

func testFormVersions(t *testing.T, st store.Store) {
	ctx := context.Background()
	v1 := &store.FormVersion{FormID: "multi-agency-chronology", Version: 1, Hash: "sha256:aa", Definition: []byte("id: multi-agency-chronology\nversion: 1\n"),
		PublishedAt: t0, PublishedBy: "portal start"}
	if err := st.PublishFormVersion(ctx, v1); err != nil {
		t.Fatal(err)
	}
	// A published version is never replaced, whatever the new content; and the refusal leaves an enclosing
	// transaction usable (PostgreSQL aborts a transaction on a unique violation).
	err := st.InTx(ctx, func(tx store.Data) error {
		changed := *v1
		changed.Hash, changed.Definition = "sha256:bb", []byte("changed")
		if err := tx.PublishFormVersion(ctx, &changed); !errors.Is(err, store.ErrConflict) {
			t.Errorf("publishing version 1 again: got %v, want ErrConflict", err)
		}
		return tx.PublishFormVersion(ctx, &store.FormVersion{FormID: "multi-agency-chronology", Version: 2, Hash: "sha256:cc", Definition: []byte("v2"), PublishedAt: t0})
	})
	if err != nil {
		t.Fatalf("transaction after a refused publish: %v", err)
	}
	if err := st.PublishFormVersion(ctx, &store.FormVersion{FormID: "early-help", Version: 1, Hash: "sha256:dd", Definition: []byte("eh"), PublishedAt: t0}); err != nil {
		t.Fatal(err)
	}
	list, err := st.FormVersions(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("list: %+v, %v", list, err)
	}
	latest, err := st.LatestFormVersions(ctx)
	if err != nil || !reflect.DeepEqual(latest, map[string]int{"multi-agency-chronology": 2, "early-help": 1}) {
		t.Fatalf("latest versions: %v, %v", latest, err)
	}
	if !reflect.DeepEqual(list[1], *v1) {
		t.Errorf("read back %+v, want %+v", list[1], *v1)
	}
	if list[0].FormID != "early-help" || list[2].FormID != "multi-agency-chronology" || list[2].Version != 2 || list[2].Hash != "sha256:cc" {
		t.Errorf("not by form id and version: %+v", list)
	}

	// Responses made before versions were kept are adopted once; later ones keep their own version.
	old := newResponse("old", "a@school.example")
	pinned := newResponse("pinned", "b@school.example")
	pinned.FormVersion = 2
	other := newResponse("other", "c@school.example")
	other.FormID = "early-help"
	for _, r := range []*store.Response{old, pinned, other} {
		if err := st.CreateResponse(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := st.Response(ctx, "pinned"); got.FormVersion != 2 {
		t.Fatalf("form version read back: %d, want 2", got.FormVersion)
	}
	if n, err := st.AdoptUnversionedResponses(ctx, "multi-agency-chronology", 1); err != nil || n != 1 {
		t.Fatalf("adopt: %d, %v; want 1", n, err)
	}
	if n, _ := st.AdoptUnversionedResponses(ctx, "multi-agency-chronology", 1); n != 0 {
		t.Fatalf("adopting again: %d, want 0", n)
	}
	got, _ := st.Response(ctx, "old")
	if got.FormVersion != 1 {
		t.Fatalf("adopted version %d, want 1", got.FormVersion)
	}
	got.FormVersion, got.Status = 2, store.StatusInProgress
	if err := st.UpdateResponse(ctx, got, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Response(ctx, "old"); got.FormVersion != 2 {
		t.Fatalf("form version after update: %d, want 2", got.FormVersion)
	}
	counts, err := st.CountResponsesByFormVersion(ctx, []store.Status{store.StatusSent, store.StatusInProgress})
	want := map[store.FormVersionKey]int{{FormID: "multi-agency-chronology", Version: 2}: 2, {FormID: "early-help", Version: 0}: 1}
	if err != nil || !reflect.DeepEqual(counts, want) {
		t.Fatalf("counts %v, %v; want %v", counts, err, want)
	}
	if counts, _ := st.CountResponsesByFormVersion(ctx, []store.Status{store.StatusSubmitted}); len(counts) != 0 {
		t.Fatalf("counts of submitted: %v", counts)
	}
	if list, err := st.ListResponses(ctx, store.ResponseFilter{FormID: "early-help"}); err != nil || len(list) != 1 || list[0].ID != "other" {
		t.Fatalf("list by form: %v, %v", list, err)
	}
}
