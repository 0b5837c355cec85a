package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"formportal/store"
)

// contribute has a professional add rows to their chronology ("day month year|child ids|event") and
// submit it.
func contribute(t *testing.T, b *browser, id string, rows ...string) {
	t.Helper()
	b.get("/tasks/" + id + "/pages/chronology")
	for _, r := range rows {
		parts := strings.SplitN(r, "|", 3)
		date := strings.Fields(parts[0])
		fields := []string{"row.date.day", date[0], "row.date.month", date[1], "row.date.year", date[2], "row.event", parts[2], "action", "save-row"}
		for _, c := range strings.Fields(parts[1]) {
			fields = append(fields, "row.about", c)
		}
		b.post("/tasks/"+id+"/pages/chronology?field=events&row=new", fields...).see("has been saved")
	}
	b.post("/tasks/"+id+"/pages/chronology", "action", "submit")
	b.post("/tasks/" + id + "/submit").see("Contribution submitted")
}

func TestMergedChronologyOfThreeAgencies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	jo := e.staff("jo@council.example", false)
	rid, ids := sendToThree(t, e, jo)
	page := "/staff/requests/" + rid + "/chronology"
	jo.get("/staff/requests/" + rid).see("Read the merged chronology")
	jo.get(page).status(200).see("Merged chronology", "0 of 3 agencies have submitted", "No rows")

	contribute(t, e.register("head@school.example"), ids[0], "3 2 2026|c1|Aurora went to A&E after a head injury at home",
		"10 1 2026|c2|=HYPERLINK(\"http://evil.example\",\"Click\")")
	contribute(t, e.register("gp@surgery.example"), ids[1], "3 2 2026|c1|A&E attendance, head injury")
	pc := e.register("pc@police.example")
	pc.get("/tasks/"+ids[2]+"/pages/chronology").post("/tasks/"+ids[2]+"/pages/chronology?field=events&row=new",
		"row.date.day", "20", "row.date.month", "2", "row.date.year", "2026", "row.about", "c1", "row.about", "c2", "row.event", "Police called to the home", "action", "save-row")

	// Only submitted contributions are merged: the police's is still in progress.
	jo.get(page).see("2 of 3 agencies have submitted", "3 of 3 rows", "2 of them may describe the same event")
	text := htmlText(jo.last)
	order := []string{"10 January 2026", "Hill Primary School", "Orion Boreo", "3 February 2026", "Hill Primary School", "Aurora went to A&E",
		"Elm Surgery (row 3)", "3 February 2026", "Elm Surgery", "A&E attendance", "Hill Primary School (row 2)"}
	at := 0
	for _, w := range order {
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Fatalf("the merged chronology does not say %q after %q:\n%s", w, text[:at], text)
		}
		at += i + len(w)
	}
	if strings.Contains(text, "Police called") {
		t.Fatal("a contribution not yet submitted was merged")
	}
	contribute(t, pc, ids[2])
	jo.get(page).see("3 of 3 agencies have submitted", "4 of 4 rows", "Thames Valley Police", "Aurora Boreo, Orion Boreo")

	// Filters, in a GET form: by child, agency and dates.
	jo.get(page+"?child=c2").see("2 of 4 rows", "10 January 2026", "Police called")
	if strings.Contains(htmlText(jo.last), "Elm Surgery (row") {
		t.Fatal("the child filter kept another child's rows")
	}
	jo.get(page+"?agency=Elm+Surgery").see("1 of 4 rows", "A&E attendance").see("Elm Surgery")
	jo.get(page+"?from.day=1&from.month=2&from.year=2026&to.day=10&to.month=2&to.year=2026").see("2 of 4 rows", "3 February 2026")
	jo.get(page+"?from.day=31&from.month=2&from.year=2026").status(http.StatusUnprocessableEntity).see("The from date must be a real date", "4 of 4 rows")
	jo.get(page + "?from.day=1&from.month=3&from.year=2026&to.day=1&to.month=2&to.year=2026").status(http.StatusUnprocessableEntity).
		see("The to date must be the same as or after the from date")

	// CSV: the filter's rows, every typed cell a spreadsheet would run as a formula quoted.
	jo.get(page + "?export=csv")
	lines := strings.Split(strings.TrimSpace(jo.last), "\n")
	if len(lines) != 5 || lines[0] != "Row,Date,Agency,Child or children,Event or incident,Hours of support,Possibly the same event as" {
		t.Fatalf("CSV:\n%s", jo.last)
	}
	if !strings.Contains(jo.last, `"'=HYPERLINK(""http://evil.example"",""Click"")"`) || !strings.Contains(lines[2], "Elm Surgery (row 3)") {
		t.Fatalf("CSV cells:\n%s", jo.last)
	}
	jo.get(page + "?export=csv&agency=Elm+Surgery")
	if n := len(strings.Split(strings.TrimSpace(jo.last), "\n")); n != 2 {
		t.Fatalf("a filtered CSV has %d lines, want a header and one row", n)
	}
	jo.get(page + "?export=pdf&child=c1")
	if jo.code != 200 || !strings.HasPrefix(jo.last, "%PDF") {
		t.Fatalf("PDF export: %d %.20q", jo.code, jo.last)
	}
	jo.get(page + "?export=xlsx").status(http.StatusNotFound)

	log, err := e.store.AuditLog(ctx, store.AuditFilter{Record: rid, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, l := range log {
		seen[l.Action+" "+l.Detail] = true
		if strings.Contains(l.Detail, "Boreo") {
			t.Fatalf("an audit entry names a child: %+v", l)
		}
	}
	for _, want := range []string{"read merged chronology child c2", "downloaded merged chronology as CSV agency Elm Surgery", "downloaded merged chronology as PDF child c1"} {
		if !seen[want] {
			t.Errorf("no audit entry %q: %v", want, seen)
		}
	}
}

// A request on a form without a chronology table has no merged chronology.
func TestNoMergedChronologyWithoutAChronologyTable(t *testing.T) {
	e := newEnv(t)
	jo := e.staff("jo@council.example", false)
	rid, _ := sendToThree(t, e, jo)
	if _, err := e.store.Request(context.Background(), rid); err != nil {
		t.Fatal(err)
	}
	jo.get("/staff/requests/nope/chronology").status(http.StatusNotFound)
}
