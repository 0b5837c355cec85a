package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"formportal/store"
)

func newResponse(id, email string) *store.Response {
	return &store.Response{ID: id, Kind: store.KindDelegation, FormID: "multi-agency-chronology", Sections: []string{"chronology"},
		OwnerEmail: email, CaseData: json.RawMessage(`{"children":[{"id":"c1","name":"Aurora Boreo"}]}`), Status: store.StatusSent,
		CreatedAt: t0, UpdatedAt: t0}
}

func testResponses(t *testing.T, st store.Store) {
	ctx := context.Background()
	r := newResponse("r1", "Pro@School.example")
	if err := st.CreateResponse(ctx, r, &store.Event{ID: "e1", ResponseID: "r1", At: t0, Kind: "created", Actor: "api:lcs"}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateResponse(ctx, newResponse("r2", "other@school.example"), nil); err != nil {
		t.Fatal(err)
	}
	got, err := st.Response(ctx, "r1")
	if err != nil || got.OwnerEmail != "pro@school.example" || got.Version != 1 || len(got.Sections) != 1 || string(got.Answers) != `{"values":{}}` {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	stale := *got
	got.Answers, got.Status, got.UpdatedAt = json.RawMessage(`{"values":{"name":"Sam"}}`), store.StatusInProgress, t0.Add(time.Minute)
	if err := st.UpdateResponse(ctx, got, &store.Event{ID: "e2", ResponseID: "r1", At: t0.Add(time.Minute), Kind: "saved"}); err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 {
		t.Fatalf("version after update: %d, want 2", got.Version)
	}
	if err := st.UpdateResponse(ctx, &stale, nil); !errors.Is(err, store.ErrStale) {
		t.Fatalf("updating from an old read: got %v, want ErrStale", err)
	}
	if err := st.UpdateResponse(ctx, newResponse("nope", "x@example.org"), nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("updating a missing response: got %v, want ErrNotFound", err)
	}
	list, err := st.ListResponses(ctx, store.ResponseFilter{Kind: store.KindDelegation, OwnerEmail: "PRO@school.example", Statuses: []store.Status{store.StatusInProgress, store.StatusSent}})
	if err != nil || len(list) != 1 || list[0].ID != "r1" {
		t.Fatalf("list by owner: %v, %v", list, err)
	}
	if list, _ := st.ListResponses(ctx, store.ResponseFilter{Statuses: []store.Status{store.StatusSubmitted}}); len(list) != 0 {
		t.Fatalf("list by status: %v", list)
	}
	events, err := st.Events(ctx, "r1")
	if err != nil || len(events) != 2 || events[0].Kind != "created" || events[1].Kind != "saved" {
		t.Fatalf("events: %+v, %v", events, err)
	}

	a := &store.Attachment{ID: "a1", ResponseID: "r1", FieldID: "documents", Name: "letter.pdf", Kind: "pdf", MediaType: "application/pdf", Size: 4, Content: []byte("%PDF"), CreatedAt: t0}
	if err := st.AddAttachment(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := st.CopyAttachments(ctx, "r1", "r2"); err != nil {
		t.Fatal(err)
	}
	if list, err := st.AttachmentsOf(ctx, "r1"); err != nil || len(list) != 1 || list[0].ID != "a1" || list[0].Size != 4 || list[0].Content != nil {
		t.Fatalf("attachments of r1: %+v, %v", list, err)
	}
	copied, err := st.Attachment(ctx, "r2-a1")
	if err != nil || copied.ResponseID != "r2" || string(copied.Content) != "%PDF" {
		t.Fatalf("copied attachment: %+v, %v", copied, err)
	}
	if err := st.DeleteAttachment(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Attachment(ctx, "a1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted attachment: %v", err)
	}

	if err := st.DeleteResponse(ctx, "r2"); err != nil {
		t.Fatalf("delete r2: %v", err)
	}
	if _, err := st.Attachment(ctx, "r2-a1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a purged response's documents must go with it")
	}
}

func testAutoReplies(t *testing.T, st store.Store) {
	ctx := context.Background()
	if err := st.CreateUser(ctx, newUser("u1", "a@example.org")); err != nil {
		t.Fatal(err)
	}
	reply := &store.AutoReply{ID: "ar1", UserID: "u1", StartsOn: "2026-03-01", EndsOn: "2026-03-10", Message: "On leave", CreatedAt: t0}
	if err := st.SaveAutoReply(ctx, reply); err != nil {
		t.Fatal(err)
	}
	reply.Message = "On leave until the 10th"
	if err := st.SaveAutoReply(ctx, reply); err != nil {
		t.Fatal(err)
	}
	list, err := st.AutoReplies(ctx, "u1")
	if err != nil || len(list) != 1 || list[0].Message != "On leave until the 10th" {
		t.Fatalf("replies: %+v, %v", list, err)
	}
	if err := st.DeleteAutoReply(ctx, "someone-else", "ar1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting another user's reply: %v", err)
	}
	if err := st.DeleteAutoReply(ctx, "u1", "ar1"); err != nil {
		t.Fatal(err)
	}
}
