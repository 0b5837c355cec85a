package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"formportal/store"
)

// testReminders schedules, claims and sends reminders: a claim hides them for its lease, a reminder is
// marked sent once, rescheduling keeps the sent ones, and they go with their response.
func testReminders(t *testing.T, st store.Store) {
	ctx := context.Background()
	r := newResponse("r1", "pro@example.org")
	if err := st.CreateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	plan := []store.Reminder{
		{To: "pro@example.org", DaysBefore: 7, DueDate: "2026-03-10", SendAt: day(2)},
		{To: "pro@example.org", DaysBefore: 1, DueDate: "2026-03-10", SendAt: day(8)},
	}
	if err := st.ScheduleReminders(ctx, "r1", plan); err != nil {
		t.Fatal(err)
	}
	if got, err := st.ClaimDueReminders(ctx, day(1), time.Minute, 10); err != nil || len(got) != 0 {
		t.Fatalf("claimed before due: %v, %v", got, err)
	}
	got, err := st.ClaimDueReminders(ctx, day(2), time.Minute, 10)
	if err != nil || len(got) != 1 || got[0].DaysBefore != 7 || got[0].To != "pro@example.org" || got[0].DueDate != "2026-03-10" || !got[0].SendAt.Equal(day(2)) {
		t.Fatalf("claim at day 2: %+v, %v", got, err)
	}
	if again, _ := st.ClaimDueReminders(ctx, day(2).Add(30*time.Second), time.Minute, 10); len(again) != 0 {
		t.Fatalf("claimed again within the lease: %+v", again)
	}
	if again, _ := st.ClaimDueReminders(ctx, day(2).Add(2*time.Minute), time.Minute, 10); len(again) != 1 {
		t.Fatalf("not claimed again after the lease: %+v", again)
	}
	if err := st.MarkReminderSent(ctx, got[0].ID, day(2)); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkReminderSent(ctx, got[0].ID, day(2)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("marked sent twice: %v", err)
	}
	if again, _ := st.ClaimDueReminders(ctx, day(3), time.Minute, 10); len(again) != 0 {
		t.Fatalf("a sent reminder claimed: %+v", again)
	}

	// Rescheduling (a re-assignment) replaces what is unsent and keeps what was sent.
	if err := st.ScheduleReminders(ctx, "r1", []store.Reminder{{To: "new@example.org", DaysBefore: 1, DueDate: "2026-03-10", SendAt: day(8)}}); err != nil {
		t.Fatal(err)
	}
	list, err := st.RemindersOf(ctx, "r1")
	if err != nil || len(list) != 2 || list[0].SentAt.IsZero() || list[0].To != "pro@example.org" || !list[1].SentAt.IsZero() || list[1].To != "new@example.org" {
		t.Fatalf("after rescheduling: %+v, %v", list, err)
	}
	if err := st.MarkReminderSent(ctx, list[0].ID+1000, day(8)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown reminder marked: %v", err)
	}
	if err := st.ScheduleReminders(ctx, "r1", nil); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.RemindersOf(ctx, "r1"); len(list) != 1 {
		t.Fatalf("stopping kept unsent reminders: %+v", list)
	}

	// A delegation's own schedule.
	if _, err := st.ReminderDays(ctx, "r1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("own schedule before one was set: %v", err)
	}
	for _, days := range [][]int{{3, 0}, {}} {
		if err := st.SetReminderDays(ctx, "r1", days); err != nil {
			t.Fatal(err)
		}
		if got, err := st.ReminderDays(ctx, "r1"); err != nil || fmt.Sprint(got) != fmt.Sprint(days) {
			t.Fatalf("own schedule %v read as %v, %v", days, got, err)
		}
	}

	// The daily digest, once a day each, without breaking the transaction it is in.
	err = st.InTx(ctx, func(tx store.Data) error {
		if err := tx.RecordDigest(ctx, "jo@council.example", "2026-03-02", t0); err != nil {
			return err
		}
		if err := tx.RecordDigest(ctx, "jo@council.example", "2026-03-02", t0); !errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("second digest of a day: %v", err)
		}
		return tx.RecordDigest(ctx, "jo@council.example", "2026-03-03", t0)
	})
	if err != nil {
		t.Fatal(err)
	}

	if err := st.DeleteResponse(ctx, "r1", r.Version); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.RemindersOf(ctx, "r1"); len(list) != 0 {
		t.Fatalf("reminders outlived their response: %+v", list)
	}
}

// testReminderClaimSharing has several senders claim at once: each reminder goes to exactly one.
func testReminderClaimSharing(t *testing.T, st store.Store) {
	ctx := context.Background()
	const count = 30
	for i := range count {
		id := fmt.Sprintf("r%d", i)
		if err := st.CreateResponse(ctx, newResponse(id, "pro@example.org"), nil); err != nil {
			t.Fatal(err)
		}
		if err := st.ScheduleReminders(ctx, id, []store.Reminder{{To: "pro@example.org", DueDate: "2026-03-01", SendAt: t0}}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				batch, err := st.ClaimDueReminders(ctx, t0, time.Hour, 4)
				if err != nil {
					t.Error(err)
					return
				}
				if len(batch) == 0 {
					return
				}
				mu.Lock()
				for _, r := range batch {
					seen[r.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != count {
		t.Fatalf("%d reminders claimed, want %d", len(seen), count)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("reminder %d claimed %d times", id, n)
		}
	}
}
