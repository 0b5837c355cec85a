package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"formportal/engine"
	"formportal/forms"
)

// staff makes a staff account as `portal staff create` does and walks its first sign-in: the printed
// password and the emailed code, a new password (testPassword), an authenticator app. The browser ends on
// the staff console.
func (e *env) staff(email string, admin bool) *browser {
	e.t.Helper()
	password, err := NewStaff(context.Background(), e.store, email, "Jo", "Worker", admin, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	b := e.browser().login(email, password).see("Choose a new password")
	b.post("/account/new-password", "password", testPassword, "confirm", testPassword).see("Set up two-factor authentication")
	e.totp[email] = b.setUpAuthenticator()
	e.recovery[email] = b.see("I have saved my recovery codes").recoveryCodes()
	return b.get("/staff")
}

func TestStaffConsoleIsForStaffOnly(t *testing.T) {
	e := newEnv(t)
	e.browser().get("/staff").see("Secure login")
	pro := e.register("pro@school.example")
	for _, path := range []string{"/staff", "/staff/delegations/new", "/staff/audit", "/staff/delegations/x", "/staff/referrals/x/pdf"} {
		pro.get(path).status(http.StatusNotFound)
	}
	worker := e.staff("jo@council.example", false)
	worker.get("/staff").status(200).see("Staff console", "Delegate a form")
	worker.get("/staff/audit").status(http.StatusNotFound) // admins only
}

func TestStaffDelegatesWatchesAndReturns(t *testing.T) {
	e := newEnv(t)
	jo := e.staff("jo@council.example", true)
	jo.get("/staff/delegations/new").see("Which form?", "Family check")
	jo.get("/staff/delegations/new?form=family-check").see("Sections to delegate", "Child 1", "Family name")
	jo.post("/staff/delegations/new?form=family-check", "sections", "practitioner", "email", "not an email", "name", "").status(422).
		see("Enter the professional's email address in the correct format", "Enter the professional's name", "Enter the child's details")
	jo.post("/staff/delegations/new?form=family-check", "sections", "practitioner", "sections", "chronology",
		"email", "sam@school.example", "name", "Sam Jones", "case.familyName", "Boreo",
		"case.children.0.name", "Aurora Boreo", "case.children.0.dob.day", "1", "case.children.0.dob.month", "1", "case.children.0.dob.year", "2016",
		"case.children.1.name", "Orion Boreo", "case.children.1.dob.day", "20", "case.children.1.dob.month", "5", "case.children.1.dob.year", "2018",
		"due.day", "8", "due.month", "4", "due.year", "2026", "comments", "Please include attendance").
		see("Delegation", "Sent", "Aurora Boreo and 1 sibling", "sam@school.example", "Practitioner, Chronology of service involvement", "8 April 2026", "created by jo@council.example")
	id := regexp.MustCompile(`/staff/delegations/([0-9a-f]+)/retract`).FindStringSubmatch(jo.last)[1]
	mails := mustMail(t, e)
	if mails[0].To != "sam@school.example" || childDetail.MatchString(mails[0].Text) {
		t.Fatalf("delegation email: %+v", mails[0])
	}

	// The professional completes it; staff read it, download it and return it.
	sam := e.register("sam@school.example")
	sam.get("/tasks/"+id+"/pages/practitioner").post("/tasks/"+id+"/pages/practitioner", "name", "Sam Jones", "phone", "01632960001", "action", "next")
	sam.post("/tasks/"+id+"/pages/chronology?field=events&row=new", "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026",
		"row.about", "c1", "row.event", "Home visit", "action", "save-row").see("Row 1 has been saved")
	sam.post("/tasks/"+id+"/pages/chronology", "action", "submit")
	sam.post("/tasks/" + id + "/submit").see("Contribution submitted")
	jo.get("/staff").see("Delegations", "Submitted")
	jo.get("/staff/delegations/"+id).see("Submitted", "Return for more information")
	jo.get("/staff/delegations/" + id + "/answers").see("Home visit")
	jo.get("/staff/delegations/" + id + "/pdf").status(200)
	if !strings.HasPrefix(jo.last, "%PDF") {
		t.Fatal("the staff PDF is not a PDF")
	}
	jo.get("/staff/delegations/"+id).post("/staff/delegations/"+id+"/return", "reason", "Insufficient Detail", "comment", "Add March").
		see("Returned for more information", "Insufficient Detail")
	sam.get("/tasks").see("Returned for more information: Add March")

	jo.get("/staff/audit").see("Audit log", "delegated", "viewed delegation", "read answers", "downloaded PDF", "return")
}

// A child's date of birth is asked as GOV.UK's date input, for each of up to six children, and checked as
// a form's own dates are: each problem in the error summary links to its day, and what was typed comes
// back. A date typed right is kept as the child's date of birth.
func TestStaffDelegateAsksChildrensDatesOfBirth(t *testing.T) {
	e := newEnv(t)
	jo := e.staff("jo@council.example", false)
	jo.get("/staff/delegations/new?form=family-check").see("Child 6", "Day (Child 6)", "For example, 31 1 2016")
	if strings.Contains(jo.last, "Child 7") || !strings.Contains(jo.last, `name="case.children.5.dob.year"`) {
		t.Fatal("the page does not offer exactly six children, each with a day, month and year")
	}
	delegate := []string{"sections", "practitioner", "email", "sam@school.example", "name", "Sam Jones", "case.familyName", "Boreo",
		"case.children.0.name", "Aurora Boreo", "case.children.0.dob.day", "31", "case.children.0.dob.month", "2", "case.children.0.dob.year", "2016",
		"case.children.1.name", "Orion Boreo", "case.children.1.dob.day", "20", "case.children.1.dob.month", "", "case.children.1.dob.year", "2018",
		"case.children.3.name", "Vega Boreo"} // Child 3 left blank
	jo.post("/staff/delegations/new?form=family-check", delegate...).status(http.StatusUnprocessableEntity)
	for _, want := range []string{
		`<a href="#case-children-0-dob-day">The date of birth (Child 1) must be a real date</a>`,
		`<a href="#case-children-1-dob-day">Date of birth (Child 2) must include a month</a>`,
		`<a href="#case-children-3-dob-day">Enter the date of birth (Child 4)</a>`,
		`id="case-children-0-dob-day" name="case.children.0.dob.day" type="text" inputmode="numeric" value="31"`,
		`id="case-children-1-dob-year" name="case.children.1.dob.year" type="text" inputmode="numeric" value="2018"`,
		`<p id="case-children-1-dob-error" class="govuk-error-message">`,
	} {
		if !strings.Contains(jo.last, want) {
			t.Errorf("the page with wrong dates of birth has no %s:\n%s", want, htmlText(jo.last))
		}
	}
	if n := strings.Count(jo.last, "<li><a href=\"#case-children"); n != 3 {
		t.Errorf("the error summary has %d problems with the children, want 3 (one each):\n%s", n, htmlText(jo.last))
	}

	delegate[11], delegate[21] = "29", "5" // Aurora's day, Orion's month; Vega left out
	jo.post("/staff/delegations/new?form=family-check", delegate[:len(delegate)-2]...).
		see("Aurora Boreo and 1 sibling", "created by jo@council.example")
	id := regexp.MustCompile(`/staff/delegations/([0-9a-f]+)/retract`).FindStringSubmatch(jo.last)[1]
	resp, err := e.store.Response(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.CaseData), `"dob":"2016-02-29"`) || !strings.Contains(string(resp.CaseData), `"dob":"2018-05-20"`) {
		t.Errorf("the children's dates of birth were not kept: %s", resp.CaseData)
	}
}

func TestStaffRetractsAndReassigns(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "first@school.example")
	jo := e.staff("jo@council.example", false)
	jo.get("/staff/delegations/"+id).post("/staff/delegations/"+id+"/reassign", "email", "second@school.example", "name", "Second", "reason", "Moved school").
		see("second@school.example", "reassigned by jo@council.example", "Moved school")
	jo.post("/staff/delegations/"+id+"/retract", "reason", "No longer needed").see("Retracted", "No longer needed")
	e.register("second@school.example").get("/tasks/" + id).status(http.StatusNotFound)
}

func TestStaffReturnsAReferral(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	b.post("/referrals/"+id+"/pages/concern", "categories", "neglect", "action", "next")
	b.post("/referrals/"+id+"/pages/declaration", "agree", "yes", "action", "submit")
	b.post("/referrals/" + id + "/submit").see("Form submitted")
	jo := e.staff("jo@council.example", false)
	jo.get("/staff").see("Referrals", "Concern about a child")
	jo.get("/staff/referrals/"+id).see("Referral", "Rose Berry").post("/staff/referrals/"+id+"/return", "reason", "Insufficient Detail", "comment", "Who else lives there?").
		see("Returned for more information")
	b.get("/submitted").see("Forms requesting more information", "Who else lives there?")
}

// selectRE finds the first choice of the select posted as name.
func selectRE(name string) *regexp.Regexp {
	return regexp.MustCompile(`<select[^>]* name="` + regexp.QuoteMeta(name) + `"[^>]*>\s*<option value="">[^<]*</option>\s*<option value="([^"]+)"`)
}

var (
	dateParts   = map[string]string{"day": "31", "month": "1", "year": "2016"}
	laterItemRE = regexp.MustCompile(`\.[1-9]\.`)
)

// Every bundled delegation form can be delegated from the staff console: each question the console asks
// from the form's case-data schema, answered, makes case data the form accepts.
func TestStaffCanDelegateEveryBundledForm(t *testing.T) {
	e := newEnv(t)
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.useForms(lib)
	jo := e.staff("jo@council.example", false)
	inputRE := regexp.MustCompile(`name="(case\.[^"]+)"`)
	sectionRE := regexp.MustCompile(`name="sections" type="checkbox" value="([^"]+)"`)
	delegated := 0
	for _, form := range lib.All() {
		if form.Kind != engine.KindDelegation {
			continue
		}
		path := "/staff/delegations/new?form=" + form.ID
		jo.get(path).status(http.StatusOK)
		fields := []string{"email", "sam@school.example", "name", "Sam Jones"}
		for _, m := range sectionRE.FindAllStringSubmatch(jo.last, -1) {
			fields = append(fields, "sections", m[1])
		}
		for _, m := range inputRE.FindAllStringSubmatch(jo.last, -1) {
			value := "Sample " + m[1]
			if choice := selectRE(m[1]).FindStringSubmatch(jo.last); choice != nil {
				value = choice[1] // a case-data enum is asked as a select: its first choice
			}
			if part, ok := dateParts[m[1][strings.LastIndex(m[1], ".")+1:]]; ok {
				value = part // a case-data date is asked as day, month and year
			}
			if laterItemRE.MatchString(m[1]) {
				continue // one child is enough
			}
			fields = append(fields, m[1], value)
		}
		if len(fields) == 4 {
			t.Fatalf("%s: the console shows no sections or questions", form.ID)
		}
		jo.post(path, fields...)
		if !strings.Contains(jo.last, "created by jo@council.example") {
			t.Fatalf("%s could not be delegated from the staff console (status %d):\n%s", form.ID, jo.code, htmlText(jo.last))
		}
		delegated++
	}
	if delegated < 2 {
		t.Fatalf("only %d bundled delegation forms found", delegated)
	}
}
