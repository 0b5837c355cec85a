package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"formportal/web"
)

// TestMultiAgencyChronologyInTheBrowser: a council worker sends the chronology of the Boreo family to a
// school, a GP and the police at once from the staff console; each professional fills in and submits
// their own; the worker follows the agencies' progress, reads the merged chronology, filters it by
// child, agency and dates, and exports it. Axe checks every page.
func TestMultiAgencyChronologyInTheBrowser(t *testing.T) {
	p := startPortal(t)
	pw, err := web.NewStaff(context.Background(), p.store, "jo.worker@council.example", "Jo", "Worker", false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	jo := p.browser()
	p.firstStaffSignIn(jo, "jo.worker@council.example", pw)
	jo.ClickLink("Send to several agencies")
	jo.Check("Multi-Agency Chronology")
	jo.ClickButton("Continue")
	for _, s := range []string{"Practitioner's details", "Child or family", "Supporting documentation"} {
		jo.Uncheck(s)
	}
	jo.Fill("Family name", "Boreo family")
	jo.Fill("Name (Child 1)", "Aurora Boreo")
	fillCaseDate(jo, "Child 1", "1 1 2016")
	jo.Fill("Name (Child 2)", "Orion Boreo")
	fillCaseDate(jo, "Child 2", "20 5 2018")
	agencies := []struct{ email, name, org string }{
		{"head@school.example", "Sam Head", "Hill Primary School"},
		{"gp@surgery.example", "Dr Patel", "Elm Surgery"},
		{"pc@police.example", "PC Lane", "Thames Valley Police"},
	}
	for i, a := range agencies {
		n := " (agency " + string(rune('1'+i)) + ")"
		jo.Fill("Professional's email address"+n, a.email)
		jo.Fill("Professional's name"+n, a.name)
		jo.Fill("Organisation"+n, a.org)
	}
	jo.ClickButton("Add another agency") // without sending: the page comes back with a fourth row, left empty
	jo.MustSee("Agency 4")
	jo.ClickButton("Send to the agencies")
	jo.MustSee("Request to 3 agencies")
	jo.MustSee("0 of 3")
	request := jo.Path()

	// Each professional, from their email, completes only their own contribution.
	// Each row: its date, the child, the event, and the message its saving shows (rows are kept in date
	// order, so the school's January row is saved as row 1).
	rows := map[string][][4]string{
		"head@school.example": {{"3 2 2026", "Aurora Boreo", "Aurora went to A&E after a head injury at home", "Row 1 has been saved"},
			{"10 1 2026", "Orion Boreo", "Attendance fell to 80% this term", "Row 1 has been saved"}},
		"gp@surgery.example": {{"3 2 2026", "Aurora Boreo", "A&E attendance, head injury", "Row 1 has been saved"}},
		"pc@police.example":  {{"20 2 2026", "Aurora Boreo", "Police called to the home after a domestic incident", "Row 1 has been saved"}},
	}
	for _, a := range agencies {
		m := p.smtp.WaitFor(t, a.email, 10*time.Second)
		if childDetail.MatchString(m.Subject + m.Body) {
			t.Fatalf("the email to %s names the child or family:\n%s", a.email, m.Body)
		}
		b := p.browser()
		b.Visit("/tasks")
		p.register(b, strings.Fields(a.name)[0], strings.Fields(a.name)[1], a.email)
		b.ClickLink("Continue")
		b.ClickLink("Aurora Boreo and 1 sibling")
		b.MustSee("What to include")
		b.Check("Yes")
		for i, r := range rows[a.email] {
			date := strings.Fields(r[0])
			button := "+ Add another row"
			if i == 0 {
				button = "+ Add a row"
			}
			addRow(b, button, r[3], date[0], date[1], date[2], r[2], r[1])
		}
		b.ClickButton("Submit contribution")
		b.ClickButton("Submit")
		b.MustSee("Contribution submitted")
	}

	jo.Visit(request)
	jo.MustSee("3 of 3")
	jo.MustSee("Submitted")
	jo.ClickLink("Read the merged chronology")
	merged := jo.Path()
	jo.MustSee("3 of 3 agencies have submitted")
	jo.MustSee("4 of 4 rows")
	jo.MustSee("2 of them may describe the same event")
	jo.MustSee("Elm Surgery (row 3)")

	jo.Select("Child", "Orion Boreo")
	jo.ClickButton("Apply filters")
	jo.MustSee("1 of 4 rows")
	jo.MustSee("Attendance fell to 80%")
	jo.ClickLink("Clear filters")
	jo.Select("Agency", "Thames Valley Police")
	jo.ClickButton("Apply filters")
	jo.MustSee("1 of 4 rows")
	jo.MustSee("Police called to the home")
	jo.ClickLink("Clear filters")
	jo.Visit(merged + "?from.day=1&from.month=2&from.year=2026&to.day=10&to.month=2&to.year=2026")
	jo.MustSee("2 of 4 rows")
	jo.Visit(merged + "?from.day=31&from.month=2&from.year=2026")
	jo.MustSee("The from date must be a real date")

	// The exports, fetched with the worker's session as the links on the page are.
	var csvHref, pdfHref string
	jo.Visit(merged + "?child=c1")
	jo.Eval(`[...document.querySelectorAll("a")].find(a => a.textContent.includes("as CSV")).getAttribute("href")`, &csvHref)
	jo.Eval(`[...document.querySelectorAll("a")].find(a => a.textContent.includes("as PDF")).getAttribute("href")`, &pdfHref)
	fetch := func(href string) (string, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, p.url+href, nil)
		for _, c := range jo.Cookies() {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", href, resp.StatusCode)
		}
		return resp.Header.Get("Content-Type"), string(body)
	}
	if ct, body := fetch(csvHref); !strings.HasPrefix(ct, "text/csv") || strings.Count(strings.TrimSpace(body), "\n") != 3 || !strings.Contains(body, "Elm Surgery") || strings.Contains(body, "Attendance fell") {
		t.Fatalf("CSV of Aurora's rows (%s):\n%s", ct, body)
	}
	if ct, body := fetch(pdfHref); ct != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
		t.Fatalf("PDF export: %s %.20q", ct, body)
	}
}
