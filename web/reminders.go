package web

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"formportal/casework"
	"formportal/i18n"
	"formportal/store"
)

// Due dates chased, as the portals show them: the professional's current tasks by due date, and the
// staff console's "Reminders" question when delegating.

// byDueDate orders delegations by due date, soonest (and so the overdue) first; those without one last.
func byDueDate(list []*store.Response) {
	slices.SortStableFunc(list, func(a, b *store.Response) int {
		switch {
		case a.DueDate == b.DueDate:
			return 0
		case a.DueDate == "":
			return 1
		case b.DueDate == "":
			return -1
		}
		return cmp.Compare(a.DueDate, b.DueDate)
	})
}

// reminderText is a schedule as the staff console's question shows it: "7, 1, 0".
func reminderText(days []int) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ", ")
}

// parseReminders reads the staff console's "Reminders" answer: days before the due date separated by
// commas or spaces; empty is no reminders. It returns what is wrong, in GOV.UK words in the language of
// ctx, or "".
func parseReminders(ctx context.Context, s string) ([]int, string) {
	days := []int{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, i18n.T(ctx, "console.reminders.numbers")
		}
		days = append(days, n)
	}
	if p := casework.FindReminderProblem(days); p.Kind != "" {
		return days, i18n.T(ctx, "console.reminders."+p.Kind, "N", p.N)
	}
	return days, ""
}

// remindersFact is a delegation's schedule as its staff page says it.
func remindersFact(ctx context.Context, days []int) string {
	if len(days) == 0 {
		return i18n.T(ctx, "console.none")
	}
	words := make([]string, len(days))
	for i, d := range days {
		switch d {
		case 0:
			words[i] = i18n.T(ctx, "console.reminders.on_due_date")
		case 1:
			words[i] = i18n.T(ctx, "console.reminders.one_day_before")
		default:
			words[i] = i18n.T(ctx, "console.reminders.days_before", "N", d)
		}
	}
	return strings.Join(words, ", ")
}
