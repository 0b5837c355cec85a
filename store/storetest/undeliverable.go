package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"formportal/store"
)

func testMailUndeliverable(t *testing.T, st store.Store) {
	ctx := context.Background()
	m := &store.Mail{To: "nobody@school.example", Subject: "A form has been delegated to you", Text: "t", ResponseID: "r1", CreatedAt: t0}
	if err := st.EnqueueMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := st.EnqueueMail(ctx, &store.Mail{To: "other@school.example", Subject: "s", Text: "t", ResponseID: "r2", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	about, err := st.MailAbout(ctx, "r1")
	if err != nil || len(about) != 1 || about[0].ID != m.ID || about[0].Status() != store.MailQueued {
		t.Fatalf("mail about r1: %+v, %v", about, err)
	}
	claimed, err := st.ClaimDueMail(ctx, t0, time.Minute, 1)
	if err != nil || len(claimed) != 1 || claimed[0].ResponseID != "r1" {
		t.Fatalf("claim: %+v, %v", claimed, err)
	}
	// The sender is still at work after the lease would have run out: renewed, nobody else claims it.
	if err := st.RenewMailLease(ctx, []int64{m.ID}, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.ClaimDueMail(ctx, t0.Add(90*time.Second), time.Minute, 10); len(again) != 1 || again[0].ID == m.ID {
		t.Fatalf("claimed during a renewed lease: %+v", again)
	}
	reason := "550 5.1.1 Mailbox unavailable"
	if err := st.MarkMailUndeliverable(ctx, m.ID, t0.Add(time.Minute), reason); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.ClaimDueMail(ctx, t0.Add(24*time.Hour), time.Minute, 10); len(again) != 1 || again[0].ID == m.ID {
		t.Fatalf("an undeliverable message was claimed: %+v", again)
	}
	if err := st.MarkMailFailed(ctx, m.ID, t0.Add(time.Hour), "late"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a late failure rescheduled an undeliverable message: %v", err)
	}
	about, _ = st.MailAbout(ctx, "r1")
	if len(about) != 1 || about[0].Status() != store.MailUndeliverable || about[0].LastError != reason || !about[0].FailedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("undeliverable mail about r1: %+v", about)
	}
	if err := st.RenewMailLease(ctx, nil, t0); err != nil {
		t.Errorf("renewing nothing: %v", err)
	}
}
