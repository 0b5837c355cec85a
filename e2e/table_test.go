package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"formportal/engine"
	"formportal/internal/browsertest"
	"formportal/store"
)

// seedChronology stores n rows in the task's chronology, one a day from 1 January 2023 ("Event 0000"
// first), as a professional who had typed them would leave them: typing a thousand rows in a browser
// would take hours.
func seedChronology(t testing.TB, p *portal, task string, n int) {
	t.Helper()
	ctx := context.Background()
	resp, err := p.store.Response(ctx, task)
	if err != nil {
		t.Fatal(err)
	}
	var draft engine.Answers
	json.Unmarshal(resp.Answers, &draft)
	if draft.Values == nil {
		draft.Values = map[string]any{}
	}
	rows := make([]any, n)
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		rows[i] = map[string]any{"date": start.AddDate(0, 0, i).Format(time.DateOnly), "children_concerned": []any{"c1"},
			"event": fmt.Sprintf("Event %04d", i), "source": "School"}
	}
	draft.Values["chronology_entries"] = rows
	draft.Values["agency_currently_involved"] = "yes"
	if resp.Answers, err = json.Marshal(draft); err != nil {
		t.Fatal(err)
	}
	if resp.Status == store.StatusSent || resp.Status == store.StatusOpened {
		resp.Status = store.StatusInProgress // as the saves that typed the rows leave it
	}
	if err := p.store.UpdateResponse(ctx, resp, nil); err != nil {
		t.Fatal(err)
	}
}

func storedEvents(t testing.TB, p *portal, task string) []string {
	t.Helper()
	rows, _ := savedChronology(t, p, task).Values["chronology_entries"].([]any)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i], _ = r.(map[string]any)["event"].(string)
	}
	return out
}

// The chronology's table in Chromium, with JavaScript (rows changed in place, focus and the live region)
// and without (each row on its own page), at 1, 50 and 1,000 rows: a row removed, added, changed, a
// change cancelled, and rows pasted from a spreadsheet; axe checks every page, and the row's form drawn
// in place.
func TestChronologyTableInTheBrowser(t *testing.T) {
	withAndWithoutJavaScript(t, 2*time.Minute, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortal(t)
		b := p.browser(opts...)
		email := "sam.jones@school.example"
		task := p.delegate(email)
		p.emailLink(b, email)
		p.register(b, "Sam", "Jones", email)
		page := "/tasks/" + task + "/pages/chronology"
		for _, n := range []int{1, 50, 1000} {
			seedChronology(t, p, task, n)
			b.Visit(page)
			b.MustSee("1 1 January 2023 Aurora Boreo Event 0000 School")

			// Remove the first row.
			b.ClickButton("Remove Row 1")
			b.MustSee("Row 1 has been removed")
			b.MustNotSee("Event 0000")

			// Add a row dated before the others: it becomes row 1.
			add := "+ Add another row"
			if n == 1 {
				add = "+ Add a row"
			}
			b.ClickButton(add)
			b.WaitToSee("Save and return")
			if js {
				inPlace(t, b, "the new row")
				if r := b.Audit(); len(r.Violations) > 0 {
					t.Fatalf("the row's form in place:\n%s", r)
				}
			}
			fillRow(b, "2", "1", "2022", "Added in the browser", "Orion Boreo")
			b.ClickButton("Save and return")
			b.WaitToSee("Row 1 has been saved")
			b.MustSee("1 2 January 2022 Orion Boreo Added in the browser")
			if js {
				if f := b.Focused(); !strings.Contains(f, "chronology_entries-row-0") {
					t.Fatalf("focus after saving the row in place is on %s, want row 1", f)
				}
				// The section list says what the page drawn afresh says.
				shown := sectionStatus(b)
				b.Visit(page)
				if again := sectionStatus(b); shown != again {
					t.Fatalf("after a row saved in place the section list says %q; the page drawn again says %q", shown, again)
				}
			}

			// Change the last row, on the last page of rows.
			last := n
			if n > 50 {
				b.ClickButton("Page " + strconv.Itoa((n+49)/50))
				b.MustSee(fmt.Sprintf("Showing rows %d to %d of %d", n-49, n, n))
			}
			b.ClickButton("Change Row " + strconv.Itoa(last))
			b.WaitToSee("Change row " + strconv.Itoa(last))
			if js {
				inPlace(t, b, "row "+strconv.Itoa(last))
			}
			b.Fill("Event or incident", "Changed in the browser")
			b.ClickButton("Save and return")
			b.WaitToSee("Row " + strconv.Itoa(last) + " has been saved")
			b.MustSee("Changed in the browser")
			if js {
				if f := b.Focused(); !strings.Contains(f, "chronology_entries-row-"+strconv.Itoa(last-1)) {
					t.Fatalf("focus after changing row %d is on %s", last, f)
				}
				// A change cancelled changes nothing, and focus goes back to its button.
				b.ClickButton("Change Row " + strconv.Itoa(last))
				b.WaitToSee("Cancel")
				b.Fill("Event or incident", "Not to be kept")
				b.ClickLink("Cancel")
				b.WaitToSee("Nothing was changed")
				if f := b.Focused(); !strings.Contains(f, "Change") {
					t.Fatalf("focus after cancelling is on %s, want the Change button", f)
				}
				b.MustNotSee("Not to be kept")
			}
			events := storedEvents(t, p, task)
			if len(events) != n || n > 1 && events[0] != "Added in the browser" || events[n-1] != "Changed in the browser" {
				t.Fatalf("at %d rows the store holds %d rows, first %q, last %q", n, len(events), events[0], events[len(events)-1])
			}

			// Paste two rows from a spreadsheet, one with a date that cannot be read. A full table takes
			// no more: one row removed first makes room for one.
			if n == 1000 {
				b.MustSee("You have added 1000 rows, the most this can hold")
				b.MustNotSee("Paste rows from a spreadsheet")
				b.ClickButton("Remove Row 1000")
				b.MustSee("Row 1000 has been removed")
				n--
			}
			b.ClickButton("Paste rows from a spreadsheet")
			b.Fill("Paste rows", "Date\tChild or children concerned\tEvent or incident\n"+
				"5/1/2022\tAurora, Orion\tPasted in the browser\n"+
				"sometime in May\tOrion\tUndated\n")
			b.ClickButton("Add the pasted rows")
			b.MustSee("1 row added from your paste")
			b.MustSee("Line 2, Date: Enter the date as day, month and year, like 27/3/2024, not “sometime in May”")
			if events := storedEvents(t, p, task); len(events) != n+1 || events[1] != "Pasted in the browser" {
				t.Fatalf("after the paste the store holds %d rows, row 2 %q", len(events), events[1])
			}
			if got := b.Value("Paste rows"); !strings.Contains(got, "sometime in May\tOrion\tUndated") {
				t.Fatalf("the pasted row that could not be read is not kept: %q", got)
			}
		}
	})
}

// inPlace fails the test unless the row's form is drawn on the table's page, not its own: the script
// found the row page's address from the table's data-row-edit and the button.
func inPlace(t *testing.T, b *browsertest.Browser, what string) {
	t.Helper()
	var editors int
	b.Eval(`document.querySelectorAll('[data-app-table] [data-row-editor]').length`, &editors)
	if u := b.URL(); strings.Contains(u, "row=") || editors != 1 {
		t.Fatalf("%s is not drawn in place: at %s, %d row forms on the table", what, u, editors)
	}
}

// A question that follows an answer stays hidden until that answer is given, with JavaScript: GOV.UK's
// conditional reveal for a choice, the portal's script for other conditions. Without JavaScript every
// question shows, saying when to answer it.
func TestConditionalQuestionsInTheBrowser(t *testing.T) {
	withAndWithoutJavaScript(t, 0, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortal(t)
		b := p.browser(opts...)
		b.Visit("/")
		b.ClickButton("I am a Professional")
		b.ClickLink("Child / Young Person Safeguarding Concern (as a professional)")
		b.ClickButton("Next")
		p.register(b, "Rose", "Berry", "rose.berry@school.example")
		b.ClickLink("Continue")
		b.ClickButton("3. Child or young person's details")
		if !js {
			b.MustSee("Answer this if “Does the child or family need an interpreter?” is “Yes”")
			b.MustSee("Language the interpreter needs to speak")
			b.MustSee("Expected due date") // every choice of the date of birth shows its inputs
			b.MustSee("Approximate age in years")
			return
		}
		b.MustNotSee("Language the interpreter needs to speak")
		b.MustNotSee("Answer this if")
		b.Choose("Does the child or family need an interpreter?", "Yes")
		b.MustSee("Language the interpreter needs to speak")
		b.Choose("Does the child or family need an interpreter?", "No")
		b.MustNotSee("Language the interpreter needs to speak")
		b.MustNotSee("Expected due date")
		b.Choose("Child's date of birth", "Born")
		b.MustNotSee("Expected due date")
		b.Fill("Day", "27")
		b.Fill("Month", "3")
		b.Fill("Year", "2015")
		b.MustSee("The date of birth is estimated")
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("with the questions revealed:\n%s", r)
		}
	})
}

// sectionStatus is the status the section list shows for the page the browser is on.
func sectionStatus(b *browsertest.Browser) string {
	var status string
	b.Eval(`document.querySelector('.app-section-nav__item--current .app-section-nav__status').textContent`, &status)
	return status
}

// Next checks the page: a telephone number with spaces and a missing name (the account's taken out) keep
// the professional on the page, with GOV.UK's error summary, and what they typed saved.
func TestNextWithProblemsInTheBrowser(t *testing.T) {
	withAndWithoutJavaScript(t, 0, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortal(t)
		task := p.delegate("sam.jones@school.example")
		b := p.browser(opts...)
		p.emailLink(b, "sam.jones@school.example")
		p.register(b, "Sam", "Jones", "sam.jones@school.example")
		b.Visit("/tasks/" + task + "/pages/practitioner")
		if got := b.Value("Name of practitioner"); got != "Sam Jones" {
			t.Fatalf("the practitioner's name is %q, want Sam Jones from the account", got)
		}
		b.Fill("Name of practitioner", "") // the name from the account taken out
		b.Fill("Role", "Designated safeguarding lead")
		b.Fill("Telephone number", "01632 9600")
		b.ClickButton("Next")
		b.MustSee("There is a problem")
		b.MustSee("Enter your telephone number, like 01632 960 001")
		b.MustSee("Enter your full name")
		b.MustSee("Enter the name of your organisation")
		b.MustNotSee("Success")
		if js {
			if f := b.Focused(); !strings.Contains(f, "govuk-error-summary") {
				t.Fatalf("focus after Next with problems is on %s, want the error summary", f)
			}
		}
		if a := savedChronology(t, p, task); a.Values["practitioner_role"] != "Designated safeguarding lead" {
			t.Fatalf("the answers were not saved: %v", a.Values)
		}
		b.ClickLink("Enter your telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
		b.Fill("Telephone number", "01632 960 001") // spaces are fine: kept as digits only
		b.Fill("Name of practitioner", "Sam Jones")
		b.Fill("Organisation", "Cherwell Primary School")
		b.ClickButton("Next")
		b.MustSee("Child or family")
	})
}
