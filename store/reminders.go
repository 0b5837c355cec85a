package store

import (
	"context"
	"time"
)

// Reminder is one email reminding a delegation's professional of its due date.
type Reminder struct {
	ID         int64
	ResponseID string
	To         string // the professional at the time it was scheduled
	DaysBefore int    // before the due date; 0 on the day
	DueDate    string // YYYY-MM-DD, the due date it counts back from
	SendAt     time.Time
	SentAt     time.Time // zero until sent
}

// Reminders are the due-date reminders of delegations, their schedules and the staff's daily digests.
type Reminders interface {
	// ScheduleReminders replaces a response's reminders not yet sent with rs (none: nothing more to send).
	ScheduleReminders(ctx context.Context, responseID string, rs []Reminder) error
	// RemindersOf lists a response's reminders, sent ones included, in the order they are sent.
	RemindersOf(ctx context.Context, responseID string) ([]Reminder, error)
	// ClaimDueReminders takes up to limit unsent reminders due by now and hides them from other senders
	// for lease, as ClaimDueMail does.
	ClaimDueReminders(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Reminder, error)
	// MarkReminderSent records that a reminder was sent; ErrNotFound when it was sent already or is no
	// longer scheduled, so of two senders that raced only one sends it.
	MarkReminderSent(ctx context.Context, id int64, at time.Time) error
	// SetReminderDays gives a response its own reminder schedule, in place of its form's.
	SetReminderDays(ctx context.Context, responseID string, days []int) error
	// ReminderDays is a response's own reminder schedule; ErrNotFound when it follows its form's.
	ReminderDays(ctx context.Context, responseID string) ([]int, error)
	// RecordDigest records that a member of staff was sent the digest of a day (YYYY-MM-DD); ErrConflict
	// when they were already. It does not break an enclosing transaction.
	RecordDigest(ctx context.Context, staffEmail, day string, at time.Time) error
}
