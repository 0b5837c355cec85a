package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"formportal/apikey"
	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/forms"
)

// The delegation tests use the engine's family fixture (testdata/valid/family): a family-scope form with a
// read-only children table, a chronology table with a "which child" column, and a per-child section.
func newDelegationEnv(t testing.TB) (*env, string) {
	t.Helper()
	e := newEnv(t)
	_, key, err := apikey.New(context.Background(), e.store, apikey.Spec{Name: "lcs"}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return e, key
}

// api calls the back-office API and decodes the JSON answer.
func (e *env) api(key, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+"/api/v1"+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// delegateToRose delegates form (as loaded) to pro@school.example for that many children, through the
// API, and returns the delegation's id.
func (e *env) delegateToRose(key string, form *engine.Form, children int) string {
	e.t.Helper()
	code, out := e.api(key, "POST", "/delegations", map[string]any{"form": form.ID,
		"professional": map[string]any{"email": "pro@school.example", "name": "Rose Berry"},
		"caseData":     enginetest.CaseData(form, children)})
	if code != http.StatusCreated || out["formVersion"] != float64(form.Version) {
		e.t.Fatalf("create delegation: %d %v", code, out)
	}
	return out["id"].(string)
}

func familyCase() map[string]any {
	return map[string]any{
		"familyName": "Boreo",
		"children": []any{
			map[string]any{"id": "c1", "name": "Aurora Boreo", "dob": "2016-01-01"},
			map[string]any{"id": "c2", "name": "Orion Boreo", "dob": "2018-05-20"},
		},
		"sender": map[string]any{"name": "Nyree Ellison-Anjos"},
	}
}

func newDelegation(email string) map[string]any {
	return map[string]any{
		"form":         "family-check",
		"professional": map[string]any{"email": email, "name": "Sam Jones", "organisation": "Cherwell School"},
		"caseData":     familyCase(),
		"dueDate":      "2026-04-08",
		"comments":     "Please include attendance",
	}
}

func (e *env) delegate(key, email string) string {
	e.t.Helper()
	code, out := e.api(key, "POST", "/delegations", newDelegation(email))
	if code != http.StatusCreated {
		e.t.Fatalf("create delegation: %d %v", code, out)
	}
	return out["id"].(string)
}

func TestAPIRejectsBadRequestsWithEveryProblem(t *testing.T) {
	e, key := newDelegationEnv(t)
	if code, _ := e.api("", "POST", "/delegations", newDelegation("a@example.org")); code != http.StatusUnauthorized {
		t.Fatalf("no key: %d, want 401", code)
	}
	if code, _ := e.api("fpk_wrong", "GET", "/forms", nil); code != http.StatusUnauthorized {
		t.Fatalf("wrong key: %d, want 401", code)
	}
	bad := newDelegation("not-an-email")
	bad["sections"] = []any{"health", "nope"}
	bad["caseData"] = map[string]any{"children": []any{map[string]any{"id": "c1"}}}
	bad["dueDate"] = "8/4/2026"
	code, out := e.api(key, "POST", "/delegations", bad)
	if code != http.StatusBadRequest {
		t.Fatalf("bad request: %d, want 400", code)
	}
	paths := map[string]bool{}
	for _, it := range out["errors"].([]any) {
		paths[it.(map[string]any)["path"].(string)] = true
	}
	for _, want := range []string{"sections[1]", "professional.email", "dueDate", "caseData", "caseData.children.0"} {
		if !paths[want] {
			t.Errorf("no error at %s; got %v", want, out["errors"])
		}
	}
	code, out = e.api(key, "POST", "/delegations", map[string]any{"form": "family-check", "colour": "red"})
	if code != http.StatusBadRequest || !strings.Contains(out["errors"].([]any)[0].(map[string]any)["message"].(string), "colour") {
		t.Fatalf("unknown property: %d %v", code, out)
	}
	for _, path := range []string{"/delegations/nope", "/delegations/nope/submission"} {
		if code, _ := e.api(key, "GET", path, nil); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, code)
		}
	}
	id := e.delegate(key, "pro@school.example")
	if code, _ := e.api(key, "POST", "/delegations/"+id+"/return", map[string]any{"reason": "x"}); code != http.StatusConflict {
		t.Errorf("returning an unsubmitted delegation: %d, want 409", code)
	}
	if code, _ := e.api(key, "POST", "/delegations/"+id+"/reassign", map[string]any{}); code != http.StatusBadRequest {
		t.Errorf("re-assigning to nobody: %d, want 400", code)
	}
}

// childDetail finds the test family's names or years of birth: a year standing alone, as a date writes
// it, not the same digits inside a sign-in code.
var childDetail = regexp.MustCompile(`(?i)aurora|orion|boreo|\b2016\b|\b2018\b`)

func TestDelegationJourney(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "Pro@School.example")

	mails, _ := e.store.RecentMail(context.Background(), 10)
	if len(mails) != 1 || mails[0].To != "pro@school.example" || !strings.Contains(mails[0].Text, "due for completion by 08-Apr-2026") || !strings.Contains(mails[0].Text, "/tasks") {
		t.Fatalf("delegation email: %+v", mails)
	}
	if childDetail.MatchString(mails[0].Subject + mails[0].Text) {
		t.Fatalf("the email names the child or family:\n%s", mails[0].Text)
	}

	b := e.register("pro@school.example")
	b.get("/tasks").see("Currently Assigned Tasks", "Family check", "Aurora Boreo and 1 sibling", "08-Apr-2026", "Please include attendance")
	b.get("/tasks/"+id).see("Aurora Boreo", "DOB: 01-Jan-2016", "Orion Boreo", "Required By", "08-Apr-2026", "Nyree Ellison-Anjos",
		"1. Practitioner", "2. Chronology of service involvement", "3. Health: Aurora Boreo", "4. Health: Orion Boreo")
	_, d := e.api(key, "GET", "/delegations/"+id, nil)
	if d["status"] != "opened" {
		t.Fatalf("status after opening: %v", d["status"])
	}

	page := "/tasks/" + id + "/pages/"
	b.post(page+"practitioner", "name", "Sam Jones", "phone", "01632 9600", "action", "save").
		see("Your answers have been saved", "Enter a telephone number, like 01632 960 001")
	b.post(page+"practitioner", "name", "Sam Jones", "phone", "01632960001", "email", "sam@school.example", "action", "next").
		see("Chronology of service involvement", "No rows added yet")
	// Rows are added one at a time on a page of their own, and kept in date order.
	b.post(page+"chronology", "action", "add:events").see("Add a row", "Date", "Event or incident")
	rowPage := page + "chronology?field=events&row=new"
	b.post(rowPage, "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026", "row.about", "c1", "row.about", "c2",
		"row.event", "Home visit", "action", "save-row").see("Row 1 has been saved", "3 February 2026", "Aurora Boreo, Orion Boreo", "Home visit")
	b.post(page+"chronology", "action", "add:events")
	b.post(rowPage, "row.date.day", "5", "row.date.month", "2", "row.date.year", "2026", "row.event", "A wrong row", "action", "save-row").
		see("Row 2 has been saved")
	b.post(page+"chronology", "action", "add:events")
	b.post(rowPage, "row.date.day", "4", "row.date.month", "2", "row.date.year", "2026", "row.about", "c2", "row.event", "School meeting",
		"action", "save-row").see("Row 2 has been saved", "School meeting")
	if i, j := strings.Index(b.last, "School meeting"), strings.Index(b.last, "A wrong row"); i < 0 || j < i {
		t.Fatal("the rows are not in date order")
	}
	b.post(page+"chronology", "action", b.removeAction("events", 2)).see("Row 3 has been removed")
	if strings.Contains(b.last, "A wrong row") {
		t.Fatal("the removed row is still there")
	}
	b.post(page+"chronology", "action", "goto:health/c1").see("Health", "for Aurora Boreo")

	// Signed out and back in: everything is still there.
	b.post("/logout")
	b.login("pro@school.example", testPassword)
	b.get(page+"chronology").see("Home visit", "School meeting")

	b.get("/tasks/"+id+"/submit").see("You cannot submit yet", "Select yes if the child is registered with a GP for Aurora Boreo")
	problemsAtTop(t, b.last)
	b.get(page + "health/c1")
	b.post(page+"health/c1", "registered_gp", "yes", "gp_name", "Cowley Road Surgery", "action", "next").see("for Orion Boreo")
	b.post(page+"health/c2", "registered_gp", "no", "action", "submit")
	b.see("Submit contribution")
	b.post("/tasks/"+id+"/submit").see("Contribution submitted", "FP-")
	b.get("/tasks").see("Recently Submitted Tasks")
	b.post(page+"health/c2", "registered_gp", "yes", "action", "save")
	b.get(page + "health/c2").see("No")

	// The council collects the answers, valid against the form's derived schema.
	code, sub := e.api(key, "GET", "/delegations/"+id+"/submission", nil)
	if code != 200 {
		t.Fatalf("submission: %d %v", code, sub)
	}
	_, schema := e.api(key, "GET", "/forms/family-check/submission-schema", nil)
	schemaJSON, _ := json.Marshal(schema)
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.AddResource("s.json", bytes.NewReader(schemaJSON))
	compiled, err := c.Compile("s.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := compiled.Validate(sub["answers"]); err != nil {
		t.Fatalf("submitted answers fail the derived schema: %v\n%v", err, sub["answers"])
	}
	answers := sub["answers"].(map[string]any)
	events := answers["values"].(map[string]any)["events"].([]any)
	if len(events) != 2 || events[0].(map[string]any)["date"] != "2026-02-03" || len(events[0].(map[string]any)["about"].([]any)) != 2 {
		t.Fatalf("chronology as submitted: %v", events)
	}
	if answers["children"].(map[string]any)["c2"].(map[string]any)["registered_gp"] != "no" {
		t.Fatalf("a submitted form was changed after submission: %v", answers["children"])
	}
	_, d = e.api(key, "GET", "/delegations/"+id, nil)
	if d["status"] != "submitted" {
		t.Fatalf("status: %v", d["status"])
	}

	// Returned for more information: back in the current list, editable, resubmitted.
	if code, _ := e.api(key, "POST", "/delegations/"+id+"/return", map[string]any{"reason": "Insufficient Detail", "comment": "Add the March visits"}); code != 200 {
		t.Fatalf("return: %d", code)
	}
	b.get("/tasks").see("Returned for more information: Add the March visits")
	b.post(page+"practitioner", "name", "Sam Jones", "phone", "01632960001", "action", "submit")
	b.post("/tasks/" + id + "/submit").see("Contribution submitted")
	_, d = e.api(key, "GET", "/delegations/"+id, nil)
	history := d["history"].([]any)
	if last := history[len(history)-1].(map[string]any); last["event"] != "resubmitted" {
		t.Fatalf("history: %v", history)
	}
	for _, m := range mustMail(t, e) {
		if childDetail.MatchString(m.Subject + m.Text) {
			t.Fatalf("an email names the child or family: %s\n%s", m.Subject, m.Text)
		}
	}
}

func mustMail(t *testing.T, e *env) []mailView {
	list, err := e.store.RecentMail(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []mailView
	for _, m := range list {
		out = append(out, mailView{m.To, m.Subject, m.Text})
	}
	return out
}

type mailView struct{ To, Subject, Text string }

func TestAnotherProfessionalSeesNothing(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "owner@school.example")
	owner := e.register("owner@school.example")
	owner.get("/tasks/" + id + "/pages/practitioner").status(200)

	other := e.register("other@school.example")
	other.get("/tasks").see("Currently Assigned Tasks")
	if strings.Contains(other.last, "Aurora") {
		t.Fatal("another professional's task list shows the child")
	}
	for _, path := range []string{"", "/pages/practitioner", "/pages/health/c1", "/submit", "/print", "/reassign", "/files/anything"} {
		other.get("/tasks/" + id + path).status(http.StatusNotFound)
		if strings.Contains(other.last, "Aurora") {
			t.Fatalf("GET %s leaks the child", path)
		}
	}
	for _, path := range []string{"/pages/practitioner", "/submit", "/reassign"} {
		other.get("/tasks")
		other.post("/tasks/"+id+path, "name", "Mallory", "action", "save", "email", "m@example.org", "reason", "x").status(http.StatusNotFound)
	}
	owner.get("/tasks/" + id + "/pages/practitioner").see("Practitioner")
	if strings.Contains(owner.last, "Mallory") {
		t.Fatal("another professional changed the task")
	}
	// An unverified account with the same address sees nothing either.
	e.browser().get("/register").post("/register", "forename", "A", "surname", "B").
		post("/register/email", "email", "late@school.example", "password", testPassword, "confirm", testPassword)
	lateID := e.delegate(key, "late@school.example")
	anon := e.browser()
	anon.get("/tasks/" + lateID).see("Secure login")
}

func TestRetractAndReassign(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "first@school.example")
	first := e.register("first@school.example")
	first.get("/tasks").see("Aurora Boreo and 1 sibling")

	// The professional re-assigns to a colleague, with a reason the council sees.
	first.get("/tasks/" + id + "/reassign").see("Re-assign a task")
	first.post("/tasks/"+id+"/reassign", "name", "", "email", "first@school.example", "reason", "").status(422).
		see("Enter your colleague's full name", "not your own", "Enter the reason for re-assigning the task")
	first.post("/tasks/"+id+"/reassign", "name", "Kim Lee", "email", "kim@school.example", "reason", "I am on leave").see("Task re-assigned")
	first.get("/tasks/" + id).status(http.StatusNotFound)
	_, d := e.api(key, "GET", "/delegations/"+id, nil)
	if d["professional"].(map[string]any)["email"] != "kim@school.example" || !strings.Contains(d["history"].([]any)[len(d["history"].([]any))-1].(map[string]any)["detail"].(string), "I am on leave") {
		t.Fatalf("after re-assign: %v", d)
	}
	kim := e.register("kim@school.example")
	kim.get("/tasks").see("Aurora Boreo and 1 sibling")

	// The council re-assigns back through the API, then retracts.
	if code, _ := e.api(key, "POST", "/delegations/"+id+"/reassign", map[string]any{"professional": map[string]any{"email": "first@school.example", "name": "First"}, "reason": "Kim is away"}); code != 200 {
		t.Fatalf("api reassign: %d", code)
	}
	kim.get("/tasks/" + id).status(http.StatusNotFound)
	first.get("/tasks/" + id).status(http.StatusOK) // after the redirect to the first page
	if code, _ := e.api(key, "POST", "/delegations/"+id+"/retract", map[string]any{"reason": "No longer needed"}); code != 200 {
		t.Fatalf("retract: %d", code)
	}
	first.get("/tasks").see("Recently Retracted Tasks", "Aurora Boreo and 1 sibling")
	first.get("/tasks/" + id).status(http.StatusNotFound)
	if code, _ := e.api(key, "POST", "/delegations/"+id+"/retract", map[string]any{}); code != http.StatusConflict {
		t.Fatalf("retracting twice: %d, want 409", code)
	}
}

// upload posts a file to an attachments field as the page's form would.
func (b *browser) upload(path, field, name string, content []byte, extra ...string) *browser {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", b.csrf())
	for i := 0; i+1 < len(extra); i += 2 {
		mw.WriteField(extra[i], extra[i+1])
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func TestAutoReplyShownToProfessionalAndCouncil(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "away@school.example")
	b := e.register("away@school.example")
	b.get("/auto-replies").see("You have no automatic replies")
	b.get("/auto-replies/new").post("/auto-replies/new", "start.day", "1", "start.month", "3", "start.year", "2026",
		"end.day", "28", "end.month", "2", "end.year", "2026", "message", "").status(422).
		see("The end date must be the same as or after the start date", "Enter a message")
	// A part left out is named, as a form's own date questions name it (GOV.UK's date input messages).
	b.post("/auto-replies/new", "start.day", "1", "start.month", "", "start.year", "2026",
		"end.day", "10", "end.month", "3", "end.year", "26", "message", "Away").status(422).
		see("Start date must include a month", "Year must include 4 numbers")
	b.post("/auto-replies/new", "start.day", "1", "start.month", "3", "start.year", "2026",
		"end.day", "10", "end.month", "3", "end.year", "2026", "message", "I am out of the office until 11 March").
		see("Your automatic reply has been saved", "I am out of the office until 11 March", "On now")
	if !strings.Contains(b.last, `<a class="govuk-link" href="/tasks">Back to your tasks</a>`) {
		t.Error("the automatic replies page has no way back to the tasks, where the reply's notice shows")
	}
	b.get("/tasks").see("You currently have an Automatic reply (Out of Office) on", "Edit Automatic Reply")
	_, d := e.api(key, "GET", "/delegations/"+id, nil)
	if ar, _ := d["autoReply"].(map[string]any); ar["message"] != "I am out of the office until 11 March" || ar["endsOn"] != "2026-03-10" {
		t.Fatalf("the council does not see the reply: %v", d["autoReply"])
	}
	e.clock.Advance(9 * 24 * 60 * 60 * 1e9) // past the end date
	b = e.browser().get("/login").post("/login", "email", "away@school.example", "password", testPassword)
	b.get("/tasks")
	if strings.Contains(b.last, "Automatic reply (Out of Office) on") {
		t.Fatal("the notice outlives the reply's end date")
	}
	if _, d := e.api(key, "GET", "/delegations/"+id, nil); d["autoReply"] != nil {
		t.Fatalf("the API shows an expired reply: %v", d["autoReply"])
	}
}

func TestUploadsCheckedByContent(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "up@school.example")
	b := e.register("up@school.example")
	page := "/tasks/" + id + "/pages/documents"
	b.get(page).see("Supporting documents", "Spreadsheets cannot be uploaded")

	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	b.upload(page, "files", "report.pdf", pdf, "action", "upload:files").see("The file has been uploaded", "report.pdf")

	var xlsx bytes.Buffer
	zw := zip.NewWriter(&xlsx)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} {
		w, _ := zw.Create(name)
		w.Write([]byte("<?xml version=\"1.0\"?><x/>"))
	}
	zw.Close()
	b.upload(page, "files", "budget.xlsx", xlsx.Bytes(), "action", "upload:files").status(422).see("Spreadsheets cannot be uploaded")
	b.upload(page, "files", "budget.pdf", []byte("This is a letter, not a PDF.\n"), "action", "upload:files").status(422).
		see("The selected file must be a PDF, a Word document or an image (JPEG, PNG or GIF)")
	b.upload(page, "files", "tool.exe", append([]byte("MZ\x90\x00"), make([]byte, 200)...), "action", "upload:files").status(422)
	b.upload(page, "files", "huge.pdf", append(pdf, make([]byte, 2<<20)...), "action", "upload:files").status(422).
		see("The selected file must be smaller than 1 MB")
	b.upload(page, "files", "empty.pdf", nil, "action", "upload:files").status(422).see("The selected file is empty")
	b.get(page).see("report.pdf")
	if strings.Contains(b.last, "budget") || strings.Contains(b.last, "huge.pdf") {
		t.Fatal("a rejected file was kept")
	}

	// The file is downloadable by its owner only, as an attachment.
	m := regexp.MustCompile(`remove-file:files:([0-9a-f]+)`).FindStringSubmatch(b.last)
	if m == nil {
		t.Fatalf("no remove button for the file:\n%s", b.last)
	}
	b.get("/tasks/" + id + "/files/" + m[1]).status(200)
	if b.last != string(pdf) {
		t.Fatal("the downloaded file differs from the upload")
	}
	e.register("thief@school.example").get("/tasks/" + id + "/files/" + m[1]).status(http.StatusNotFound)

	b.get(page).post(page, "action", "remove-file:files:"+m[1]).see("report.pdf has been removed")
	b.get(page)
	if strings.Contains(b.last, "remove-file:files:") {
		t.Fatal("the removed file is still listed")
	}
	b.get("/tasks/" + id + "/files/" + m[1]).status(http.StatusNotFound)
}

// TestDelegationPrefillsTheProfessionalsDetails: the bundled chronology's questions about the person
// completing it are filled from their account when they first open it (the seed: "pre-populated ...
// saving the professionals time"); what they change is kept, and opening it again fills nothing. Passed
// to a colleague before anyone saved it, it is filled from the colleague's account when they open it.
func TestDelegationPrefillsTheProfessionalsDetails(t *testing.T) {
	e, key := newDelegationEnv(t)
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.useForms(lib)
	id := e.delegateToRose(key, lib.Get("multi-agency-chronology"), 2)
	page := "/tasks/" + id + "/pages/practitioner"
	value := func(b *browser, field string) string {
		t.Helper()
		m := regexp.MustCompile(`name="` + field + `"[^>]*value="([^"]*)"`).FindStringSubmatch(b.last)
		if m == nil {
			return ""
		}
		return m[1]
	}

	rose := e.register("pro@school.example")
	rose.get("/account").post("/account", "forename", "Rose", "surname", "Berry", "organisation", "Cherwell School", "phone", "01632 960 001").
		see("Your account details have been saved")
	rose.get("/tasks/" + id).get(page).see("Name of practitioner")
	for field, want := range map[string]string{"practitioner_name": "Rose Berry", "practitioner_email": "pro@school.example",
		"practitioner_organisation": "Cherwell School", "practitioner_telephone": "01632960001", "practitioner_role": ""} {
		if got := value(rose, field); got != want {
			t.Errorf("first opened, %s is %q, want %q", field, got, want)
		}
	}

	// Changed and saved: kept as typed, an emptied answer too, and opening the task again fills nothing.
	rose.post(page, "practitioner_name", "Rosalind Berry", "practitioner_role", "School nurse", "practitioner_organisation", "",
		"practitioner_email", "pro@school.example", "practitioner_telephone", "01632960001", "action", "save").see("Your answers have been saved")
	rose.get("/tasks/" + id).get(page)
	if got := value(rose, "practitioner_name"); got != "Rosalind Berry" {
		t.Errorf("after a change, the name is %q", got)
	}
	if got := value(rose, "practitioner_organisation"); got != "" {
		t.Errorf("an emptied organisation was filled again: %q", got)
	}

	// Another delegation, opened by Rose and re-assigned before she saved anything: Kim's first opening
	// gives Kim's details, not Rose's.
	next := e.delegateToRose(key, lib.Get("multi-agency-chronology"), 1)
	rose.get("/tasks/" + next).get("/tasks/" + next + "/pages/practitioner")
	if got := value(rose, "practitioner_name"); got != "Rose Berry" {
		t.Fatalf("the second delegation opened by Rose shows the name %q", got)
	}
	if code, _ := e.api(key, "POST", "/delegations/"+next+"/reassign", map[string]any{"professional": map[string]any{"email": "kim@clinic.example", "name": "Kim Lee"}, "reason": "Rose is away"}); code != http.StatusOK {
		t.Fatalf("reassign: %d", code)
	}
	kim := e.register("kim@clinic.example")
	kim.get("/account").post("/account", "forename", "Kim", "surname", "Lee", "organisation", "Cowley Clinic", "phone", "07700900982").
		see("Your account details have been saved")
	kim.get("/tasks/" + next).get("/tasks/" + next + "/pages/practitioner")
	for field, want := range map[string]string{"practitioner_name": "Kim Lee", "practitioner_email": "kim@clinic.example",
		"practitioner_organisation": "Cowley Clinic", "practitioner_telephone": "07700900982"} {
		if got := value(kim, field); got != want {
			t.Errorf("re-assigned before a save, %s is %q, want %q", field, got, want)
		}
	}
}

// TestDelegationLeavesAStoredTelephoneTheFormRefuses: an account's telephone number kept from before the
// account page checked it ("ext 4" in it) is not filled into the chronology's telephone question, where
// it would be an error on a page the professional has not touched: the question is left for them, and
// their other details are filled.
func TestDelegationLeavesAStoredTelephoneTheFormRefuses(t *testing.T) {
	e, key := newDelegationEnv(t)
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.useForms(lib)
	id := e.delegateToRose(key, lib.Get("multi-agency-chronology"), 1)

	rose := e.register("pro@school.example")
	ctx := context.Background()
	u, err := e.store.UserByEmail(ctx, "pro@school.example")
	if err != nil {
		t.Fatal(err)
	}
	u.Organisation, u.Phone = "Cherwell School", "01632 960001 ext 4"
	if err := e.store.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	rose.get("/tasks/" + id).get("/tasks/" + id + "/pages/practitioner").see("Name of practitioner")
	if strings.Contains(rose.last, "ext 4") {
		t.Error("the telephone number the form refuses was filled in")
	}
	// The page's list of sections says the page is started, not that it has errors.
	if text := htmlText(rose.last); strings.Contains(text, "Has errors") || strings.Contains(rose.last, "govuk-error") ||
		!strings.Contains(text, "Practitioner's details In progress") {
		t.Errorf("the first opening shows an error:\n%s", text)
	}
	rose.see("Rose Berry", "pro@school.example", "Cherwell School")
}
