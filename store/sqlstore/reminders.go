package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"formportal/store"
)

const reminderColumns = `id, response_id, to_email, days_before, due_date, send_at, sent_at`

func scanReminders(rows *sql.Rows) ([]store.Reminder, error) {
	defer rows.Close()
	var out []store.Reminder
	for rows.Next() {
		var r store.Reminder
		var sendAt, sentAt int64
		if err := rows.Scan(&r.ID, &r.ResponseID, &r.To, &r.DaysBefore, &r.DueDate, &sendAt, &sentAt); err != nil {
			return nil, err
		}
		r.SendAt, r.SentAt = fromMillis(sendAt), fromMillis(sentAt)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ScheduleReminders replaces a response's unsent reminders.
func (db *DB) ScheduleReminders(ctx context.Context, responseID string, rs []store.Reminder) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.bind(`DELETE FROM reminders WHERE response_id = ? AND sent_at = 0`), responseID); err != nil {
			return err
		}
		for _, r := range rs {
			if _, err := tx.ExecContext(ctx, db.bind(`INSERT INTO reminders (response_id, to_email, days_before, due_date, send_at) VALUES (?, ?, ?, ?, ?)`),
				responseID, r.To, r.DaysBefore, r.DueDate, millis(r.SendAt)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("schedule reminders of %s: %w", responseID, err)
	}
	return nil
}

// RemindersOf lists a response's reminders by send time.
func (db *DB) RemindersOf(ctx context.Context, responseID string) ([]store.Reminder, error) {
	rows, err := db.query(ctx, `SELECT `+reminderColumns+` FROM reminders WHERE response_id = ? ORDER BY send_at, id`, responseID)
	if err != nil {
		return nil, fmt.Errorf("reminders of %s: %w", responseID, err)
	}
	out, err := scanReminders(rows)
	if err != nil {
		return nil, fmt.Errorf("reminders of %s: %w", responseID, err)
	}
	return out, nil
}

// ClaimDueReminders leases due reminders to this sender.
func (db *DB) ClaimDueReminders(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Reminder, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("claim reminders: limit %d must be positive", limit)
	}
	var out []store.Reminder
	err := db.tx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if db.dialect == postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.QueryContext(ctx, db.bind(`SELECT `+reminderColumns+` FROM reminders WHERE sent_at = 0 AND send_at <= ? AND claimed_until <= ? ORDER BY send_at, id LIMIT ?`+lock),
			millis(now), millis(now), limit)
		if err != nil {
			return err
		}
		if out, err = scanReminders(rows); err != nil {
			return err
		}
		for _, r := range out {
			if _, err := tx.ExecContext(ctx, db.bind(`UPDATE reminders SET claimed_until = ? WHERE id = ?`), millis(now.Add(lease)), r.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	return out, nil
}

// MarkReminderSent marks a scheduled reminder sent, once.
func (db *DB) MarkReminderSent(ctx context.Context, id int64, at time.Time) error {
	res, err := db.exec(ctx, `UPDATE reminders SET sent_at = ? WHERE id = ? AND sent_at = 0`, millis(at), id)
	if err != nil {
		return fmt.Errorf("mark reminder %d sent: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// SetReminderDays keeps a response's own reminder schedule.
func (db *DB) SetReminderDays(ctx context.Context, responseID string, days []int) error {
	if days == nil {
		days = []int{}
	}
	b, err := json.Marshal(days)
	if err != nil {
		return fmt.Errorf("reminder days of %s: %w", responseID, err)
	}
	if _, err := db.exec(ctx, `INSERT INTO reminder_schedules (response_id, days) VALUES (?, ?) ON CONFLICT (response_id) DO UPDATE SET days = excluded.days`,
		responseID, string(b)); err != nil {
		return fmt.Errorf("reminder days of %s: %w", responseID, err)
	}
	return nil
}

// ReminderDays reads a response's own reminder schedule.
func (db *DB) ReminderDays(ctx context.Context, responseID string) ([]int, error) {
	var s string
	if err := db.queryRow(ctx, `SELECT days FROM reminder_schedules WHERE response_id = ?`, responseID).Scan(&s); err != nil {
		return nil, notFound(err)
	}
	days := []int{}
	if err := json.Unmarshal([]byte(s), &days); err != nil {
		return nil, fmt.Errorf("reminder days of %s: %w", responseID, err)
	}
	return days, nil
}

// RecordDigest records a day's digest to a member of staff, once.
func (db *DB) RecordDigest(ctx context.Context, staffEmail, day string, at time.Time) error {
	// ON CONFLICT DO NOTHING rather than a unique violation, which would abort a PostgreSQL transaction.
	res, err := db.exec(ctx, `INSERT INTO reminder_digests (staff_email, day, sent_at) VALUES (?, ?, ?) ON CONFLICT (staff_email, day) DO NOTHING`,
		staffEmail, day, millis(at))
	if err != nil {
		return fmt.Errorf("record digest to %s: %w", staffEmail, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrConflict
	}
	return nil
}
