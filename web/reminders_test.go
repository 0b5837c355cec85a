package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"formportal/store"
)

// TestStaffSetsRemindersAndSeesOverdue: the staff console's "Reminders" question starts with the form's
// schedule, refuses what is not one with a clear message, and a delegation past its due date is tagged
// overdue in the console and on the professional's tasks, which come soonest due first.
func TestStaffSetsRemindersAndSeesOverdue(t *testing.T) {
	e := newEnv(t)
	e.app.forms.Get("family-check").Reminders = []int{7, 1, 0}
	jo := e.staff("jo@council.example", false)
	jo.get("/staff/delegations/new?form=family-check").see("Reminders", "Days before the due date")
	if !strings.Contains(jo.last, `value="7, 1, 0"`) {
		t.Fatal("the Reminders question does not start with the form's schedule")
	}
	delegate := func(due, reminders string) *browser {
		fields := []string{"sections", "practitioner", "email", "sam@school.example", "name", "Sam Jones", "case.familyName", "Boreo",
			"case.children.0.name", "Aurora Boreo", "case.children.0.dob.day", "1", "case.children.0.dob.month", "1", "case.children.0.dob.year", "2016", "case.children.1.name", "Orion Boreo", "case.children.1.dob.day", "20", "case.children.1.dob.month", "5", "case.children.1.dob.year", "2018",
			"reminders", reminders}
		if due != "" {
			d, _ := time.Parse(time.DateOnly, due)
			fields = append(fields, "due.day", d.Format("2"), "due.month", d.Format("1"), "due.year", d.Format("2006"))
		}
		return jo.post("/staff/delegations/new?form=family-check", fields...)
	}
	delegate("2026-03-20", "7, soon").status(http.StatusUnprocessableEntity).see("Enter reminders as whole numbers of days before the due date")
	if !strings.Contains(jo.last, `value="7, soon"`) {
		t.Fatal("the wrong answer is not kept to correct")
	}
	delegate("2026-03-20", "3, 3").status(http.StatusUnprocessableEntity).see("Enter each reminder once: 3 days is there twice")
	delegate("2026-03-20", "400").status(http.StatusUnprocessableEntity).see("Each reminder must be between 0 and 365 days before the due date")

	idOf := func(b *browser) string {
		return regexp.MustCompile(`/staff/delegations/([0-9a-f]+)/retract`).FindStringSubmatch(b.last)[1]
	}
	later := idOf(delegate("2026-03-20", "3").see("Reminders", "3 days before"))
	soon := idOf(delegate("2026-03-05", "7, 1, 0").see("Reminders", "1 day before, on the due date"))
	none := idOf(delegate("2026-03-25", "").see("Reminders", "None"))
	delegate("", "7, 1, 0")
	ctx := t.Context()
	for id, want := range map[string]int{later: 1, soon: 2, none: 0} { // the week-before day of soon is past
		if rems, _ := e.store.RemindersOf(ctx, id); len(rems) != want {
			t.Errorf("delegation %s: %d reminders, want %d", id, len(rems), want)
		}
	}
	if _, err := e.store.ReminderDays(ctx, soon); err != store.ErrNotFound {
		t.Errorf("the form's own schedule given was kept as the delegation's: %v", err)
	}

	jo.get("/staff").see("Delegations")
	if strings.Contains(jo.last, "Overdue") {
		t.Fatal("overdue before any due date")
	}
	e.clock.Advance(5 * 24 * time.Hour) // 7 March: soon is two days overdue
	jo = e.browser().login("jo@council.example", testPassword)
	jo.get("/staff").see("Overdue")
	if n := strings.Count(jo.last, ">Overdue<"); n != 1 {
		t.Fatalf("%d overdue tags in the console, want 1", n)
	}
	jo.get("/staff/delegations/" + soon).see("5 March 2026 (overdue)")
	jo.get("/staff/delegations/" + later)
	if strings.Contains(jo.last, "overdue") {
		t.Fatal("a delegation due later is shown overdue")
	}

	sam := e.register("sam@school.example")
	sam.get("/tasks").see("Currently Assigned Tasks", "Overdue")
	page := sam.last
	order := []int{strings.Index(page, "05-Mar-2026"), strings.Index(page, "20-Mar-2026"), strings.Index(page, "25-Mar-2026"), strings.Index(page, "No due date")}
	for i := 1; i < len(order); i++ {
		if order[i-1] < 0 || order[i-1] > order[i] {
			t.Fatalf("tasks not in due-date order (positions %v)", order)
		}
	}
	if strings.Count(page, ">Overdue<") != 1 {
		t.Fatal("the overdue task is not the only one tagged")
	}
}
