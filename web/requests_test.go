package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"formportal/store"
)

// requestFields are what "Send to several agencies" posts for the Boreo family's chronology, to a
// school, a GP and the police, each with their own due date and comments; changes replace a field's
// value, or add the field.
func requestFields(changes ...string) []string {
	f := []string{"agencies", "3", "sections", "chronology",
		"case.familyName", "Boreo", "case.children.0.name", "Aurora Boreo", "case.children.0.dob.day", "1", "case.children.0.dob.month", "1", "case.children.0.dob.year", "2016",
		"case.children.1.name", "Orion Boreo", "case.children.1.dob.day", "20", "case.children.1.dob.month", "5", "case.children.1.dob.year", "2018",
		"agency.1.email", "head@school.example", "agency.1.name", "Sam Head", "agency.1.organisation", "Hill Primary School",
		"agency.1.due.day", "20", "agency.1.due.month", "3", "agency.1.due.year", "2026", "agency.1.comments", "Attendance since 2024",
		"agency.2.email", "gp@surgery.example", "agency.2.name", "Dr Patel", "agency.2.organisation", "Elm Surgery",
		"agency.2.due.day", "27", "agency.2.due.month", "3", "agency.2.due.year", "2026",
		"agency.3.email", "pc@police.example", "agency.3.name", "PC Lane", "agency.3.organisation", "Thames Valley Police"}
next:
	for i := 0; i+1 < len(changes); i += 2 {
		for j := 0; j+1 < len(f); j += 2 {
			if f[j] == changes[i] {
				f[j+1] = changes[i+1]
				continue next
			}
		}
		f = append(f, changes[i], changes[i+1])
	}
	return f
}

// agencyMail is the email sent to the agencies, not to the council's staff.
func agencyMail(t *testing.T, e *env) []mailView {
	var out []mailView
	for _, m := range mustMail(t, e) {
		if !strings.HasSuffix(m.To, "@council.example") {
			out = append(out, m)
		}
	}
	return out
}

var requestIDRE = regexp.MustCompile(`/staff/delegations/([0-9a-f]{32})`)

// sendToThree sends the chronology to the three agencies from the staff console and answers the
// request's id and its delegations' ids, in the order of the rows.
func sendToThree(t *testing.T, e *env, jo *browser) (string, []string) {
	t.Helper()
	jo.get("/staff/requests/new?form=family-check").post("/staff/requests/new?form=family-check", requestFields()...).
		see("Request to 3 agencies", "Aurora Boreo and 1 sibling", "Chronology of service involvement", "0 of 3",
			"Hill Primary School", "Elm Surgery", "Thames Valley Police", "20 March 2026", "27 March 2026", "No due date")
	list, err := e.store.ListRequests(context.Background(), 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("requests: %v, %v", list, err)
	}
	var ids []string
	for _, m := range requestIDRE.FindAllStringSubmatch(jo.last, -1) {
		ids = append(ids, m[1])
	}
	if len(ids) != 3 {
		t.Fatalf("the request page links %d delegations, want 3", len(ids))
	}
	return list[0].ID, ids
}

func TestStaffSendsOneFormToSeveralAgencies(t *testing.T) {
	e := newEnv(t)
	jo := e.staff("jo@council.example", false)
	jo.get("/staff").see("Send to several agencies")
	jo.get("/staff/requests/new").see("Which form?", "Family check")
	jo.get("/staff/requests/new?form=family-check").see("Sections to send", "Agency 1", "Agency 3", "Add another agency")
	if strings.Contains(jo.last, `name="agency.4.email"`) {
		t.Fatal("the page starts with more than three agency rows")
	}
	// "Add another agency" works without JavaScript: a submit button that redraws the page with a row
	// more, keeping what was typed and sending nothing.
	jo.post("/staff/requests/new?form=family-check", requestFields("action", "add")...).status(200).
		see("Agency 4", "head@school.example", "Thames Valley Police", "Aurora Boreo")
	if !strings.Contains(jo.last, `name="agency.4.email"`) || !strings.Contains(jo.last, `name="agencies" value="4"`) {
		t.Fatal("no fourth row after Add another agency")
	}
	if mails := agencyMail(t, e); len(mails) != 0 {
		t.Fatalf("adding a row sent %d emails", len(mails))
	}

	// Mistakes are named row by row, and nothing typed is lost.
	jo.post("/staff/requests/new?form=family-check", requestFields("agency.3.email", "gp@surgery.example", "agency.2.name", "",
		"agency.2.due.day", "31", "agency.2.due.month", "2", "agencies", "4", "agency.4.email", "not an email")...)
	jo.status(http.StatusUnprocessableEntity).see("Agency 3 has the same email address as agency 2", "Enter the professional's name (agency 2)",
		"The due date must be a real date (agency 2)", "Enter the professional's email address in the correct format", "Hill Primary School", "Attendance since 2024")
	jo.get("/staff/requests/new?form=family-check").post("/staff/requests/new?form=family-check", "agencies", "3", "sections", "chronology").
		status(http.StatusUnprocessableEntity).see("Enter the email address and name of at least one professional", "Enter the child's details")
	if list, _ := e.store.ListRequests(context.Background(), 10); len(list) != 0 {
		t.Fatalf("a refused request was kept: %v", list)
	}

	_, ids := sendToThree(t, e, jo)
	mails := agencyMail(t, e)
	if len(mails) != 3 {
		t.Fatalf("%d emails, want one to each agency", len(mails))
	}
	for _, m := range mails {
		if childDetail.MatchString(m.Text) || childDetail.MatchString(m.Subject) {
			t.Fatalf("an email to %s names a child: %q", m.To, m.Text)
		}
	}
	jo.get("/staff/delegations/"+ids[0]).see("head@school.example", "20 March 2026", "Chronology of service involvement")
	jo.get("/staff/requests").see("Requests to several agencies", "Family check", "Aurora Boreo and 1 sibling", "0 of 3")
}

// TestRequestProgressAtAGlance follows each agency: opened, in progress, submitted, retracted,
// re-assigned, an email the server would not take, an automatic reply.
func TestRequestProgressAtAGlance(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	jo := e.staff("jo@council.example", false)
	rid, ids := sendToThree(t, e, jo)

	head := e.register("head@school.example")
	head.get("/tasks/" + ids[0]).status(200) // opened
	head.get("/auto-replies/new").post("/auto-replies/new", "start.day", "1", "start.month", "3", "start.year", "2026",
		"end.day", "10", "end.month", "3", "end.year", "2026", "message", "Away until 11 March")
	gp := e.register("gp@surgery.example")
	gp.get("/tasks/"+ids[1]+"/pages/chronology").post("/tasks/"+ids[1]+"/pages/chronology?field=events&row=new",
		"row.date.day", "3", "row.date.month", "2", "row.date.year", "2026", "row.about", "c1", "row.event", "Missed appointment", "action", "save-row").
		see("Row 1 has been saved")
	jo.get("/staff/delegations/"+ids[2]).post("/staff/delegations/"+ids[2]+"/reassign", "email", "sergeant@police.example", "name", "Sgt Kaur", "reason", "Moved team")
	mails, err := e.store.MailAbout(ctx, ids[2])
	if err != nil || len(mails) == 0 {
		t.Fatal(err)
	}
	if err := e.store.MarkMailUndeliverable(ctx, mails[0].ID, e.clock.Now(), "550 5.1.1 no such mailbox"); err != nil {
		t.Fatal(err)
	}
	jo.get("/staff/requests/"+rid).see("Opened", "Automatic reply on until 10 March 2026", "In progress", "Sent", "Re-assigned",
		"Email undeliverable", "Sgt Kaur (sergeant@police.example)", "0 of 3")

	gp.post("/tasks/"+ids[1]+"/pages/chronology", "action", "submit")
	gp.post("/tasks/" + ids[1] + "/submit").see("Contribution submitted")
	jo.get("/staff/delegations/"+ids[0]).post("/staff/delegations/"+ids[0]+"/retract", "reason", "Not involved")
	jo.get("/staff/requests/"+rid).see("Submitted", "Retracted", "1 of 3")
	jo.get("/staff/requests/nope").status(http.StatusNotFound)

	log, err := e.store.AuditLog(ctx, store.AuditFilter{Record: rid, Limit: 10})
	if err != nil || len(log) < 2 || log[len(log)-1].Action != "sent request" || log[0].Action != "viewed request" {
		t.Fatalf("the request's audit: %+v, %v", log, err)
	}
}

// TestAgenciesSeeOnlyTheirOwnContribution has each professional of a request try every route of another
// agency's delegation, and the console's request routes: all "not found", and nothing changed.
func TestAgenciesSeeOnlyTheirOwnContribution(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	jo := e.staff("jo@council.example", false)
	rid, ids := sendToThree(t, e, jo)
	head, gp := e.register("head@school.example"), e.register("gp@surgery.example")
	gp.get("/tasks/"+ids[1]+"/pages/chronology").post("/tasks/"+ids[1]+"/pages/chronology?field=events&row=new",
		"row.date.day", "3", "row.date.month", "2", "row.date.year", "2026", "row.about", "c1", "row.event", "Missed appointment", "action", "save-row")
	head.get("/tasks").see("Family check")
	if strings.Contains(head.last, ids[1]) || strings.Contains(head.last, ids[2]) {
		t.Fatal("a professional's task list shows another agency's delegation")
	}
	before, err := e.store.Response(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	other := "/tasks/" + ids[1]
	for _, path := range []string{other, other + "/pages/chronology", other + "/pages/chronology?field=events&row=0", other + "/submit",
		other + "/print", other + "/pdf", other + "/files/x", other + "/reassign"} {
		head.get(path)
		if head.code != http.StatusNotFound || strings.Contains(head.last, "Missed appointment") {
			t.Fatalf("GET %s by another agency: %d", path, head.code)
		}
	}
	head.get("/tasks/" + ids[0]) // a page of their own, for a CSRF token
	for _, p := range []struct{ path string }{{other + "/pages/chronology"}, {other + "/pages/chronology?field=events&row=0"},
		{other + "/submit"}, {other + "/reassign"}} {
		head.post(p.path, "action", "save-row", "row.event", "Overwritten", "email", "thief@example.org", "name", "Thief").status(http.StatusNotFound)
	}
	after, err := e.store.Response(ctx, ids[1])
	if err != nil || after.Version != before.Version || after.OwnerEmail != "gp@surgery.example" || strings.Contains(string(after.Answers), "Overwritten") {
		t.Fatalf("another agency changed the GP's contribution: %+v, %v", after, err)
	}
	// The console's request pages are the council's: a professional of the request gets "not found".
	for _, path := range []string{"/staff/requests", "/staff/requests/new?form=family-check", "/staff/requests/" + rid, "/staff/requests/" + rid + "/chronology"} {
		gp.get(path).status(http.StatusNotFound)
	}
	gp.get("/tasks/"+ids[1]).post("/staff/requests/new?form=family-check", requestFields()...).status(http.StatusNotFound)
	if list, _ := e.store.ListRequests(ctx, 10); len(list) != 1 {
		t.Fatalf("a professional sent a request: %d requests", len(list))
	}
	// The API is the council's too: a professional's session is no key.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/requests/"+rid, nil)
	for _, c := range gp.c.Jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	gp.do(req).status(http.StatusUnauthorized)
}
