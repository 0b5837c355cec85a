package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"formportal/casework"
	"formportal/forms"
	"formportal/store"
)

// A draft saved while the retention purge is deciding to delete it stays: on PostgreSQL, where a
// transaction's read takes no lock, the purge read the draft as due, the person's save committed, and
// the purge's delete then removed the draft just saved. The delete is now guarded by the version read.
func TestPostgresDraftSavedDuringItsPurgeStays(t *testing.T) {
	db, _ := openPostgresSchema(t)
	ctx := context.Background()
	old := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	r := &store.Response{ID: "d1", Kind: store.KindReferral, FormID: "concern", OwnerEmail: "pro@example.org", Status: store.StatusDraft,
		CaseData: json.RawMessage(`{}`), Answers: json.RawMessage(`{"values":{"a":"old"}}`), CreatedAt: old, UpdatedAt: old}
	if err := db.CreateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	work := casework.New(db, forms.New(nil), nil, casework.Texts{}, nil)
	saved := false
	err := work.Expire(ctx, "d1", "retention", "not saved for 30 days", func(read *store.Response) bool {
		if !saved { // the person saves from their browser, on another connection, after the purge's read
			saved = true
			mine, err := db.Response(ctx, "d1")
			if err != nil {
				t.Fatal(err)
			}
			mine.Answers, mine.UpdatedAt = json.RawMessage(`{"values":{"a":"typed just now"}}`), time.Now()
			if err := db.UpdateResponse(ctx, mine, nil); err != nil {
				t.Fatal(err)
			}
		}
		return read.Status == store.StatusDraft && read.UpdatedAt.Before(time.Now().Add(-30*24*time.Hour))
	})
	got, gerr := db.Response(ctx, "d1")
	if gerr != nil {
		t.Fatalf("the draft saved during its purge was deleted (purge: %v): %v", err, gerr)
	}
	if string(got.Answers) != `{"values":{"a":"typed just now"}}` {
		t.Errorf("answers %s", got.Answers)
	}
	if err == nil || !errors.Is(err, casework.ErrNotDue) && !errors.Is(err, store.ErrStale) {
		t.Errorf("the purge says %v", err)
	}
	if log, _ := db.AuditLog(ctx, store.AuditFilter{Record: "d1", Limit: 5}); len(log) != 0 {
		t.Errorf("a purge that did not happen is audited: %+v", log)
	}
}
