package web

import (
	"context"
	"slices"
	"strings"
	"time"

	"formportal/casework"
	"formportal/i18n"
	"formportal/store"
)

// The staff console's words that several of its pages share, in the language of the member of staff
// (welshconsole18): statuses, dates, and the checks of a professional's details.

// statusWords is a response's status as the console says it.
func statusWords(ctx context.Context, s store.Status) string {
	return i18n.T(ctx, "console.status_"+string(s))
}

// events are the kinds of a response's history (casework's actions, and a submission after a return)
// the catalogue names.
var events = []string{string(casework.Create), string(casework.Open), string(casework.Save), string(casework.Submit), "resubmitted",
	string(casework.Retract), string(casework.Reassign), string(casework.Return), string(casework.Migrate), string(casework.Purge),
	string(casework.Anonymise)}

// eventWords is an event of a response's history as the console says it: its kind in the language of
// ctx; a kind the catalogue does not know is shown as it is kept.
func eventWords(ctx context.Context, kind string) string {
	if slices.Contains(events, kind) {
		return i18n.T(ctx, "console.event."+kind)
	}
	return kind
}

// consoleDay is a date kept as 2006-01-02 as the console shows it, "2 March 2026" or "2 Mawrth 2026";
// a value that is not such a date is shown as it is.
func consoleDay(ctx context.Context, s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return i18n.Date(i18n.From(ctx), t)
}

// consoleDateTime is a moment as the console shows it, in UTC as the audit log is kept.
func consoleDateTime(ctx context.Context, t time.Time) string {
	return i18n.DateTime(i18n.From(ctx), t.UTC())
}

// dueOrNone is a delegation's due date, or that it has none.
func dueOrNone(ctx context.Context, due string) string {
	if due == "" {
		return i18n.T(ctx, "console.no_due_date")
	}
	return consoleDay(ctx, due)
}

// professionalEmailProblem is what is wrong with the address of a professional the console sends to, or "".
func professionalEmailProblem(ctx context.Context, email string) string {
	switch {
	case email == "":
		return i18n.T(ctx, "console.email_enter")
	case emailProblem(ctx, email) != "":
		return i18n.T(ctx, "console.email_format")
	}
	return ""
}

// consoleDate reads a date the console asks as day, month and year (simpleDateIn), with its problem in
// the language of ctx: what names the date's ids in the catalogue ("due", "from", "to").
func consoleDate(ctx context.Context, day, month, year, what string) (string, string) {
	d, msg := simpleDateIn(i18n.From(ctx), day, month, year, what, what)
	switch {
	case msg == "":
		return d, ""
	case strings.TrimSpace(day+month+year) == "":
		return "", i18n.T(ctx, "console.date."+what+"_enter")
	}
	return "", i18n.T(ctx, "console.date."+what+"_real")
}

// accountLang is the language u chose (English until they choose), for what is sent to them outside a
// request of theirs: an email about their sign-in, say.
func accountLang(u *store.User) i18n.Lang {
	l, _ := i18n.Parse(u.Lang)
	return l
}
