package e2e

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"formportal/internal/browsertest"
)

var childDetail = regexp.MustCompile(`(?i)aurora|orion|boreo|2016|2018|test street`)

func siblings() map[string]any {
	return map[string]any{
		"familyName": "Boreo family",
		"address":    "41 Test Street, Testertown, TS1 1ST",
		"children": []any{
			map[string]any{"id": "c1", "name": "Aurora Boreo", "dob": "2016-01-01"},
			map[string]any{"id": "c2", "name": "Orion Boreo", "dob": "2018-05-20"},
		},
		"sender": map[string]any{"name": "Nyree Ellison-Anjos", "department": "ICT Applications and Systems Team",
			"address": "Speedwell House\nSpeedwell Street\nOXFORD\nOX1 1NE"},
	}
}

// delegate creates a Multi-Agency Chronology delegation through the back-office API.
func (p *portal) delegate(email string) string {
	p.t.Helper()
	code, out := p.api("POST", "/delegations", map[string]any{
		"form": "multi-agency-chronology", "caseData": siblings(), "dueDate": "2026-12-08",
		"professional": map[string]any{"email": email, "name": "Sam Jones", "organisation": "Cherwell Primary School"},
		"comments":     "Please include all contact since January",
	})
	if code != 201 {
		p.t.Fatalf("create delegation: %d %v", code, out)
	}
	return out["id"].(string)
}

// emailLink follows the link in the delegation email, as the professional would.
func (p *portal) emailLink(b *browsertest.Browser, to string) {
	p.t.Helper()
	m := p.smtp.WaitFor(p.t, to, 10*time.Second)
	if childDetail.MatchString(m.Subject + m.Body) {
		p.t.Fatalf("the delegation email names the child or family:\n%s", m.Body)
	}
	link := regexp.MustCompile(`https?://\S+/tasks`).FindString(m.Body)
	if link == "" || !strings.Contains(m.Body, "due for completion by 08-Dec-2026") {
		p.t.Fatalf("the delegation email has no link or due date:\n%s", m.Body)
	}
	b.Visit(link)
}

func writeFile(t *testing.T, name string, content []byte) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fillRow fills in the questions of the row being added or changed: on its own page without
// JavaScript, in place on the table's page with it.
func fillRow(b *browsertest.Browser, day, month, year, event string, children ...string) {
	b.Fill("Day", day)
	b.Fill("Month", month)
	b.Fill("Year", year)
	for _, c := range children {
		b.Check(c)
	}
	b.Fill("Event or incident", event)
}

// addRow adds a row to the table on the page through its "Add" button, and waits until it is saved.
func addRow(b *browsertest.Browser, button, saved, day, month, year, event string, children ...string) {
	b.ClickButton(button)
	b.WaitToSee("Save and return")
	fillRow(b, day, month, year, event, children...)
	b.ClickButton("Save and return")
	b.WaitToSee(saved)
}

// TestProfessionalCompletesADelegatedChronology walks the Delegation Portal's seed as a new professional.
func TestProfessionalCompletesADelegatedChronology(t *testing.T) {
	p := startPortal(t)
	id := p.delegate("sam.jones@school.example")
	b := p.browser()
	p.emailLink(b, "sam.jones@school.example")
	b.MustSee("Secure login")
	p.register(b, "Sam", "Jones", "sam.jones@school.example")
	b.ClickLink("Continue")
	b.MustSee("Currently Assigned Tasks")
	b.MustSee("Aurora Boreo and 1 sibling")
	b.MustSee("08-Dec-2026")
	b.ClickLink("Aurora Boreo and 1 sibling")
	b.MustSee("DOB: 01-Jan-2016")
	b.MustSee("Nyree Ellison-Anjos")
	b.MustSee("Questions marked with")

	b.Fill("Name of practitioner", "Sam Jones")
	b.Fill("Role", "Designated safeguarding lead")
	b.Fill("Organisation", "Cherwell Primary School")
	b.Fill("Telephone number", "01632 9600")
	b.ClickButton("Save")
	b.MustSee("Enter your telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
	b.Fill("Telephone number", "01632960001")
	b.ClickButton("Next")
	b.MustSee("Aurora Boreo")
	b.ClickButton("Next")

	b.MustSee("What to include")
	b.Check("Yes")
	// The rows are added in place, and kept in date order whatever order they are typed in.
	b.ClickButton("+ Add a row")
	b.WaitToSee("Save and return")
	if f := b.Focused(); !strings.Contains(f, "row.date.day") {
		t.Fatalf("focus after Add a row is on %s, want the row's first question", f)
	}
	if r := b.Audit(); len(r.Violations) > 0 {
		t.Fatalf("the row's form in place:\n%s", r)
	}
	fillRow(b, "3", "2", "2026", "Home visit by the school nurse", "Aurora Boreo", "Orion Boreo")
	b.ClickButton("Save and return")
	b.WaitToSee("Row 1 has been saved")
	if f := b.Focused(); !strings.Contains(f, "chronology_entries-row-0") {
		t.Fatalf("focus after saving the row is on %s, want the row", f)
	}
	addRow(b, "+ Add another row", "Row 2 has been saved", "17", "2", "2026", "Referral to the school counsellor", "Aurora Boreo")
	addRow(b, "+ Add another row", "Row 2 has been saved", "10", "2", "2026", "Attendance meeting with parents", "Orion Boreo")
	b.ClickButton("Next")

	b.MustSee("Upload supporting documents")
	chooseFile(t, b, "Choose a file to upload", writeFile(t, "attendance-report.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")))
	b.MustSee("attendance-report.pdf") // listed as soon as it is chosen, as the seed describes
	chooseFile(t, b, "Choose a file to upload", writeFile(t, "wrong-child.pdf", []byte("%PDF-1.4\n% another\n%%EOF\n")))
	chooseFile(t, b, "Choose a file to upload", writeFile(t, "budget.xlsx", xlsx(t)))
	b.MustSee("Spreadsheets cannot be uploaded")
	b.ClickButton("Remove wrong-child.pdf")
	b.MustSee("wrong-child.pdf has been removed")
	b.ClickButton("Save")

	logout(b, "Sam Jones")
	p.login(b, "sam.jones@school.example", password)
	b.ClickLink("Aurora Boreo and 1 sibling")
	b.ClickButton("3. Chronology of service involvement")
	b.MustSee("1 3 February 2026 Aurora Boreo, Orion Boreo Home visit by the school nurse")
	b.MustSee("2 10 February 2026 Orion Boreo Attendance meeting with parents")
	b.MustSee("3 17 February 2026 Aurora Boreo Referral to the school counsellor")
	b.ClickButton("4. Supporting documentation")
	b.MustSee("attendance-report.pdf")
	b.MustNotSee("wrong-child.pdf")

	b.ClickButton("Submit contribution")
	b.MustSee("When you submit, your contribution is sent")
	b.ClickButton("Submit")
	b.MustSee("Contribution submitted")
	b.ClickLink("Back to your tasks")
	b.MustSee("Recently Submitted Tasks")

	code, sub := p.api("GET", "/delegations/"+id+"/submission", nil)
	if code != 200 {
		t.Fatalf("submission: %d %v", code, sub)
	}
	_, schema := p.api("GET", "/forms/multi-agency-chronology/submission-schema", nil)
	raw, _ := json.Marshal(schema)
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.AddResource("s.json", bytes.NewReader(raw))
	compiled, err := c.Compile("s.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := compiled.Validate(sub["answers"]); err != nil {
		t.Fatalf("the submitted answers fail the derived schema: %v", err)
	}
	rows := sub["answers"].(map[string]any)["values"].(map[string]any)["chronology_entries"].([]any)
	if len(rows) != 3 || len(rows[0].(map[string]any)["children_concerned"].([]any)) != 2 {
		t.Fatalf("chronology as submitted: %v", rows)
	}
	if atts := sub["attachments"].([]any); len(atts) != 1 || atts[0].(map[string]any)["name"] != "attendance-report.pdf" {
		t.Fatalf("attachments as submitted: %v", atts)
	}
}

// TestRetractAndReassignInTheBrowser: the professional re-assigns a task to a colleague; the council
// retracts another; both show as the seeds describe.
func TestRetractAndReassignInTheBrowser(t *testing.T) {
	p := startPortal(t)
	first := p.delegate("kim.lee@school.example")
	second := p.delegate("kim.lee@school.example")
	b := p.browser()
	p.emailLink(b, "kim.lee@school.example")
	p.smtp.WaitFor(t, "kim.lee@school.example", 10*time.Second) // the second task's email
	p.register(b, "Kim", "Lee", "kim.lee@school.example")
	b.Visit("/tasks")
	if code, _ := p.api("POST", "/delegations/"+second+"/retract", map[string]any{"reason": "Sent in error"}); code != 200 {
		t.Fatalf("retract: %d", code)
	}
	b.Visit("/tasks")
	b.MustSee("Recently Retracted Tasks")
	b.Visit("/tasks/" + first + "/reassign")
	b.Fill("Colleague's full name", "Jo Smith")
	b.Fill("Colleague's email address", "jo.smith@school.example")
	b.Fill("Reason for re-assigning", "I am on leave until March")
	b.ClickButton("Re-Assign")
	b.MustSee("Task re-assigned")
	_, d := p.api("GET", "/delegations/"+first, nil)
	if d["professional"].(map[string]any)["email"] != "jo.smith@school.example" {
		t.Fatalf("after re-assign: %v", d["professional"])
	}
	jo := p.browser()
	p.emailLink(jo, "jo.smith@school.example")
	p.register(jo, "Jo", "Smith", "jo.smith@school.example")
	jo.Visit("/tasks")
	jo.MustSee("Aurora Boreo and 1 sibling")
}

// xlsx is a minimal spreadsheet, as Excel would save it.
func xlsx(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(`<?xml version="1.0"?><x/>`))
	}
	zw.Close()
	return buf.Bytes()
}

// TestPrintViewHasAPrintButton: the form's Print leads to the print view, whose "Print this page" button
// opens the browser's print, as the seed's print button does. Without JavaScript it cannot, so it is not
// shown, and the browser's own Print prints the view.
func TestPrintViewHasAPrintButton(t *testing.T) {
	withAndWithoutJavaScript(t, 0, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortal(t)
		email := "print@school.example"
		p.delegate(email)
		b := p.browser(opts...)
		p.emailLink(b, email)
		p.register(b, "Sam", "Jones", email)
		b.ClickLink("Continue")
		b.ClickLink("Aurora Boreo and 1 sibling")
		b.ClickLink("Print")
		b.MustSee("OFFICIAL-SENSITIVE")
		if !js {
			b.MustNotSee("Print this page")
			return
		}
		b.MustSee("Print this page")
		b.Eval(`window.print = () => { window.appPrinted = true }; true`, nil)
		b.ClickButton("Print this page")
		var printed bool
		b.Eval(`window.appPrinted === true`, &printed)
		if !printed {
			t.Fatal("Print this page did not call the browser's print")
		}
	})
}
