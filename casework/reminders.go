package casework

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"formportal/i18n"
	"formportal/internal/wakeloop"
	"formportal/store"
)

// Due dates chased: each open delegation with a due date has reminders scheduled for the days its form's
// `reminders` (or its own schedule) names, sent at reminderHour on their day by RunReminders; an open
// delegation past its due date is Overdue; and each member of staff who delegated is sent a daily digest
// of theirs that are overdue or whose email could not be delivered.

// reminderHour is the hour (UTC) at which a day's reminders and digests go.
const reminderHour = 8

// reminderLease is how long a claimed reminder is hidden from other processes while it is sent.
const reminderLease = time.Minute

// MaxReminders is how many reminders one schedule may hold, and MaxReminderDays how far before the due
// date the earliest may go: as the form language allows.
const (
	MaxReminders    = 10
	MaxReminderDays = 365
)

// Overdue reports whether a delegation is past its due date while still with its professional.
func Overdue(r *store.Response, now time.Time) bool {
	return r.Kind == store.KindDelegation && r.DueDate != "" && slices.Contains(open, r.Status) && r.DueDate < now.UTC().Format(time.DateOnly)
}

// CheckReminderDays says what is wrong with a delegation's own reminder schedule, or "" when nothing is.
func CheckReminderDays(days []int) string {
	switch p := FindReminderProblem(days); p.Kind {
	case ReminderTooMany:
		return fmt.Sprintf("Enter at most %d reminders", p.N)
	case ReminderOutOfRange:
		return fmt.Sprintf("Each reminder must be between 0 and %d days before the due date", p.N)
	case ReminderTwice:
		return fmt.Sprintf("Enter each reminder once: %d days is there twice", p.N)
	}
	return ""
}

// Kinds of ReminderProblem.
const (
	ReminderTooMany    = "too_many"     // N is the most allowed
	ReminderOutOfRange = "out_of_range" // N is the most days allowed
	ReminderTwice      = "twice"        // N is the day given twice
)

// ReminderProblem is what is wrong with a reminder schedule, for a page to say in its own words: its
// kind ("" when nothing is) and the number it is about.
type ReminderProblem struct {
	Kind string
	N    int
}

// FindReminderProblem is the first thing wrong with a delegation's own reminder schedule.
func FindReminderProblem(days []int) ReminderProblem {
	if len(days) > MaxReminders {
		return ReminderProblem{ReminderTooMany, MaxReminders}
	}
	for i, d := range days {
		if d < 0 || d > MaxReminderDays {
			return ReminderProblem{ReminderOutOfRange, MaxReminderDays}
		}
		if slices.Contains(days[:i], d) {
			return ReminderProblem{ReminderTwice, d}
		}
	}
	return ReminderProblem{}
}

// reminderDays is the schedule a delegation follows: its own, or its form's.
func (s *Service) reminderDays(ctx context.Context, d store.Data, r *store.Response) ([]int, error) {
	days, err := d.ReminderDays(ctx, r.ID)
	if err == nil {
		return days, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	form, err := s.FormOf(r)
	if err != nil {
		return nil, err
	}
	return form.Reminders, nil
}

// ReminderDays is the reminder schedule a delegation follows, read from d (the store, or a transaction),
// and whether it is its own rather than its form's.
func (s *Service) ReminderDays(ctx context.Context, d store.Data, r *store.Response) (days []int, own bool, err error) {
	if _, err := d.ReminderDays(ctx, r.ID); err == nil {
		own = true
	}
	days, err = s.reminderDays(ctx, d, r)
	return days, own, err
}

// scheduleReminders replaces a delegation's unsent reminders with those its schedule still has to come
// for its professional: none once it is no longer open. Days already begun are left out, so a delegation
// sent (or re-assigned, or returned) late is not sent the reminders it missed all at once.
func (s *Service) scheduleReminders(ctx context.Context, tx store.Data, r *store.Response) error {
	if r.Kind != store.KindDelegation {
		return nil
	}
	var plan []store.Reminder
	due, err := time.Parse(time.DateOnly, r.DueDate)
	if err == nil && slices.Contains(open, r.Status) {
		days, err := s.reminderDays(ctx, tx, r)
		if err != nil {
			return fmt.Errorf("reminders of %s: %w", r.ID, err)
		}
		today := s.now().UTC().Format(time.DateOnly)
		for _, n := range days {
			on := due.AddDate(0, 0, -n)
			if on.Format(time.DateOnly) <= today {
				continue
			}
			plan = append(plan, store.Reminder{To: r.OwnerEmail, DaysBefore: n, DueDate: r.DueDate, SendAt: on.Add(reminderHour * time.Hour)})
		}
	}
	return tx.ScheduleReminders(ctx, r.ID, plan)
}

// reschedules are the changes after which a delegation's reminders are planned again: submitting and
// retracting stop them, re-assigning sends the rest to the new professional, a return starts them again.
var reschedules = []Action{Submit, Retract, Reassign, Return}

// SetReminders gives an open delegation its own reminder schedule (empty: no reminders) in place of its
// form's, and plans its reminders again: what a request sent to several agencies applies to each of its
// delegations.
func (s *Service) SetReminders(ctx context.Context, id, actor string, days []int) error {
	if msg := CheckReminderDays(days); msg != "" {
		return fmt.Errorf("set reminders of %s: %s", id, msg)
	}
	err := s.st.InTx(ctx, func(tx store.Data) error {
		r, err := tx.Response(ctx, id)
		if err != nil {
			return err
		}
		if r.Kind != store.KindDelegation || !slices.Contains(open, r.Status) {
			return fmt.Errorf("a %s %s has no reminders to set: %w", r.Status, r.Kind, ErrNotAllowed)
		}
		if err := tx.SetReminderDays(ctx, id, days); err != nil {
			return err
		}
		if err := s.scheduleReminders(ctx, tx, r); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "reminders set", r, fmt.Sprintf("days before the due date: %v", days))
	})
	if err != nil {
		return fmt.Errorf("set reminders of %s: %w", id, err)
	}
	return nil
}

// RunReminders sends due reminders and the daily digests until ctx ends: a pass at once, then every
// interval. Several portal processes may run it: each reminder and digest is sent once.
func (s *Service) RunReminders(ctx context.Context, interval time.Duration, log *slog.Logger) {
	digested := ""
	wakeloop.New().Run(ctx, interval, func(ctx context.Context) {
		if _, err := s.SendDueReminders(ctx); err != nil && ctx.Err() == nil {
			log.Error("reminders pass failed", "error", err)
		}
		if today := s.digestDay(); today != "" && today != digested {
			n, err := s.SendDigests(ctx, today)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("reminder digests failed", "error", err)
				}
				return
			}
			digested = today
			if n > 0 {
				log.Info("reminder digests sent", "count", n)
			}
		}
	})
}

// digestDay is the day whose digests are due now: today once its reminderHour has come, else "".
func (s *Service) digestDay() string {
	now := s.now().UTC()
	if now.Hour() < reminderHour {
		return ""
	}
	return now.Format(time.DateOnly)
}

// SendDueReminders claims the reminders due now and sends each that still applies; it returns how many
// it queued.
func (s *Service) SendDueReminders(ctx context.Context) (int, error) {
	sent := 0
	for {
		batch, err := s.st.ClaimDueReminders(ctx, s.now(), reminderLease, 20)
		if err != nil {
			return sent, err
		}
		if len(batch) == 0 {
			return sent, nil
		}
		for _, rem := range batch {
			ok, err := s.sendReminder(ctx, rem)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
}

// sendReminder queues one reminder's email and marks it sent, in one transaction, when its delegation is
// still open with the same professional and due date; one that no longer applies is dropped by planning
// the delegation's reminders again. It reports whether it queued the email.
func (s *Service) sendReminder(ctx context.Context, rem store.Reminder) (bool, error) {
	queued := false
	err := s.st.InTx(ctx, func(tx store.Data) error {
		r, err := tx.Response(ctx, rem.ResponseID)
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleted: its reminders went with it
		}
		if err != nil {
			return err
		}
		if !slices.Contains(open, r.Status) || r.OwnerEmail != rem.To || r.DueDate != rem.DueDate {
			return s.scheduleReminders(ctx, tx, r)
		}
		if err := tx.MarkReminderSent(ctx, rem.ID, s.now()); errors.Is(err, store.ErrNotFound) {
			return nil // another process sent it
		} else if err != nil {
			return err
		}
		queued = true
		return s.mail.Queue(ctx, tx, s.reminderEmail(ctx, tx, r))
	})
	if err != nil {
		return false, fmt.Errorf("send reminder %d of %s: %w", rem.ID, rem.ResponseID, err)
	}
	if queued {
		s.mail.Wake()
	}
	return queued, nil
}

// reminderEmail reminds a professional of a delegation's due date, in the language of their account
// (inTheirLanguage); like every email it names no child.
func (s *Service) reminderEmail(ctx context.Context, d store.Data, r *store.Response) *store.Mail {
	return s.inTheirLanguage(ctx, d, r, func(l i18n.Lang) *store.Mail {
		title := s.formTitle(r, l)
		due := DateIn(l, r.DueDate)
		subject := i18n.In(l, "remind.subject", "Due", due)
		lead := i18n.In(l, "remind.lead", "Form", title, "Due", due)
		if r.DueDate == s.now().UTC().Format(time.DateOnly) {
			subject = i18n.In(l, "remind.subject_today")
			lead = i18n.In(l, "remind.lead_today", "Form", title, "Due", due)
		}
		body := i18n.In(l, "remind.body", "Lead", lead, "BaseURL", s.texts.BaseURL, "Signature", s.texts.SignatureIn(l))
		return &store.Mail{To: r.OwnerEmail, Subject: subject, Text: body, Lang: string(l), ResponseID: r.ID}
	})
}

// formTitle is the title of a response's form in l, as far as the form has it; its id when the form
// is not known.
func (s *Service) formTitle(r *store.Response, l i18n.Lang) string {
	f, err := s.FormOf(r)
	if err != nil {
		return r.FormID
	}
	return f.In(string(l)).Title
}

// chased is an open delegation a digest lists: overdue, or its latest email undeliverable.
type chased struct {
	r             *store.Response
	overdueDays   int
	undeliverable bool
}

// SendDigests sends each member of staff who delegated a delegation now overdue or whose latest email
// could not be delivered their digest of day (YYYY-MM-DD), unless it was sent already; it returns how many
// it queued. Delegations sent through the API (by a key, not a person) are in no digest.
func (s *Service) SendDigests(ctx context.Context, day string) (int, error) {
	list, err := s.st.ListResponses(ctx, store.ResponseFilter{Kind: store.KindDelegation, Statuses: open})
	if err != nil {
		return 0, fmt.Errorf("digests: %w", err)
	}
	now := s.now()
	byStaff := map[string][]chased{}
	var staff []string
	for _, r := range list {
		c := chased{r: r}
		if Overdue(r, now) {
			due, _ := time.Parse(time.DateOnly, r.DueDate)
			c.overdueDays = int(now.UTC().Truncate(24*time.Hour).Sub(due).Hours() / 24)
		}
		m, err := LatestMail(ctx, s.st, r.ID)
		if err != nil {
			return 0, fmt.Errorf("digests: %w", err)
		}
		c.undeliverable = m != nil && m.Status() == store.MailUndeliverable
		if c.overdueDays == 0 && !c.undeliverable {
			continue
		}
		by, err := s.delegatedBy(ctx, r.ID)
		if err != nil {
			return 0, err
		}
		if by == "" {
			continue
		}
		if _, seen := byStaff[by]; !seen {
			staff = append(staff, by)
		}
		byStaff[by] = append(byStaff[by], c)
	}
	slices.Sort(staff)
	sent := 0
	for _, email := range staff {
		u, err := s.st.UserByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return sent, fmt.Errorf("digest to %s: %w", email, err)
		}
		if !u.IsStaff() || u.Disabled() {
			continue
		}
		err = s.st.InTx(ctx, func(tx store.Data) error {
			if err := tx.RecordDigest(ctx, email, day, now); err != nil {
				return err
			}
			l, _ := i18n.Parse(u.Lang)
			return s.mail.Queue(ctx, tx, s.digestEmail(l, email, day, byStaff[email]))
		})
		if errors.Is(err, store.ErrConflict) {
			continue // sent already, by this process or another
		}
		if err != nil {
			return sent, fmt.Errorf("digest to %s: %w", email, err)
		}
		sent++
	}
	if sent > 0 {
		s.mail.Wake()
	}
	return sent, nil
}

// delegatedBy is who delegated a response: the actor of its first event, when that is a person.
func (s *Service) delegatedBy(ctx context.Context, id string) (string, error) {
	events, err := s.st.Events(ctx, id)
	if err != nil {
		return "", fmt.Errorf("history of %s: %w", id, err)
	}
	for _, e := range events {
		if e.Kind == string(Create) {
			if strings.Contains(e.Actor, "@") {
				return e.Actor, nil
			}
			return "", nil
		}
	}
	return "", nil
}

// digestEmail lists a member of staff's chased delegations by form, professional and due date, in l
// (their account's language): no child.
func (s *Service) digestEmail(l i18n.Lang, to, day string, list []chased) *store.Mail {
	var b strings.Builder
	b.WriteString(i18n.In(l, "digest.intro", "Date", DateIn(l, day)) + "\n\n")
	for _, c := range list {
		who := c.r.OwnerName
		if who == "" {
			who = c.r.OwnerEmail
		}
		if c.r.OwnerOrg != "" {
			who += " (" + c.r.OwnerOrg + ")"
		}
		var why []string
		switch {
		case c.overdueDays == 1:
			why = append(why, i18n.In(l, "digest.overdue_one", "Due", DateIn(l, c.r.DueDate)))
		case c.overdueDays > 1:
			why = append(why, i18n.In(l, "digest.overdue", "Due", DateIn(l, c.r.DueDate), "Days", c.overdueDays))
		}
		if c.undeliverable {
			why = append(why, i18n.In(l, "digest.undeliverable", "Email", c.r.OwnerEmail))
		}
		b.WriteString(i18n.In(l, "digest.item", "Form", s.formTitle(c.r, l), "Who", who, "Why", strings.Join(why, "; ")))
		fmt.Fprintf(&b, "\n  %s/staff/delegations/%s\n\n", s.texts.BaseURL, c.r.ID)
	}
	b.WriteString(i18n.In(l, "digest.outro") + "\n\n" + s.texts.SignatureIn(l))
	return &store.Mail{To: to, Subject: i18n.In(l, "digest.subject", "Count", len(list)), Text: b.String(), Lang: string(l)}
}
