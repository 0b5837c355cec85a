package web

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"formportal/forms"
)

// englishConsole are the staff console's own English texts (its templates', handlers' and messages'):
// none may be left on a console page in Welsh. The fixture form's own texts are the form's, English
// until it has Welsh: they are not in this list.
var englishConsole = []string{
	"Staff console", "Delegate a form", "Send to several agencies", "Requests to several agencies", "Forms and versions",
	"Delegations", "Referrals", "Child or family", "Professional", "Submitted by", "Status", "Reference",
	"Automatic reply", "Overdue", "Which form?", "Sections to delegate", "Organisation", "Task", "Due date",
	"Leave blank", "Reminders", "Comments for the professional", "Send to the professional", "Choose an option",
	"Read the answers", "Answers as PDF", "Documents", "History", "Return for more information", "Reason",
	"Comment", "Re-assign", "Retract", "Audit log", "Who signed in", "Filter", "Download as CSV",
	"Clear filter", "Entries", "Newest entries", "Older entries", "Subject access request", "Download everything",
	"Version", "Published", "Open responses", "Not recorded", "Each professional gets", "Sections to send",
	"Agencies", "Fill in a row", "Add another agency", "Send to the agencies", "Request to", "Sent by", "Sent on",
	"Progress by agency", "Notes", "Merged chronology", "Filter the rows", "All agencies", "All children",
	"Apply filters", "Download these rows", "Possibly the same event", "Webhooks", "Addresses", "Add an address",
	"Add address", "Events not delivered", "Every event has been delivered", "Webhook added", "Staff accounts",
	"Authenticator app", "Reset app", "Active", "Two-factor authentication", "Recovery codes",
	"Make new recovery codes", "Your recovery codes", "I have saved", "Choose a new password",
	"Enter the code from your authenticator app", "authenticator app", "No due date", "None",
	"Enter the professional", "Select at least one", "must be a real date", "must be today", "Check this answer",
	"Enter the child's details", "Enter an https address", "Enter an email address", "The council asks",
	"Changes since it was returned", "Nothing was changed", "What you asked about", "Answers and rows changed",
	"Question or row", "Not answered", "Sent", "Opened", "In progress", "Submitted", "Returned", "Retracted",
	"created by", "submitted by", "returned by", "resubmitted", "sibling", " of 3", "January", "March", "April",
	"Reference in the case management system", "Date of birth", "Family name", "For example", "Day", "Month", "Year",
	// The portal's chrome, as the Children's Portal's Welsh journey checks it.
	"Skip to main content", "This is a new service", "There is a problem", "Questions marked with", "Continue",
	"Sign in", "Logout", "Success", "Update account", "Error:", "(required)", "Back", "Warning",
}

// inWelshConsole fails when the last page is not marked Welsh, still shows the console's English, or
// shows a catalogue id where a text should be (an id missing from the catalogues comes back as itself).
// The language switch (marked lang="en") rightly names English in English and is left out.
func inWelshConsole(t *testing.T, b *browser, page string, formWords ...string) {
	t.Helper()
	if !strings.Contains(b.last, `<html lang="cy"`) {
		t.Fatalf("%s: not marked lang=cy (status %d)\n%s", page, b.code, htmlText(b.last))
	}
	body := b.last
	if i, j := strings.Index(body, `<nav class="app-language-switch"`), strings.Index(body, "</nav>"); i >= 0 && j > i {
		body = body[:i] + body[j:]
	}
	text := htmlText(body)
	for _, w := range formWords { // the fixture form's English, which the form has no Welsh for
		text = strings.ReplaceAll(text, w, "")
	}
	for _, s := range englishConsole {
		if strings.Contains(text, s) {
			t.Errorf("%s: English %q left on the Welsh page:\n%s", page, s, text)
		}
	}
	if m := regexp.MustCompile(`console\.[a-z_.]+`).FindString(text); m != "" {
		t.Errorf("%s: the catalogue id %q is shown instead of its text", page, m)
	}
}

// consoleForms are the fixtures and the bundled Multi-Agency Chronology, which has Welsh.
func consoleForms(t *testing.T) *forms.Library {
	t.Helper()
	lib := fixtureForms(t)
	bundled, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	lib.SetCurrent(append(lib.All(), bundled.Get("multi-agency-chronology")))
	return lib
}

// familyWords are the fixture form's English texts shown on console pages.
var familyWords = []string{"Family check", "Practitioner", "Chronology of service involvement", "Health",
	"Supporting documentation", "Name of practitioner", "Telephone number", "Name of family", "Children in the family",
	"Event or incident", "Hours of support", "Child or children", "Date of birth", "Email address", "Date of last health check",
	"Date of next health check", "Is the child registered with a GP?", "Name of GP practice", "Supporting documents",
	"Chronology", "Row 1", "Row 2", "Date", "Name"}

// TestStaffConsoleInWelsh: a member of staff who chose Welsh before signing in sets up their account, and
// every console page they then meet is in Welsh (lang="cy", none of the console's English), as are its
// messages, banners and dates, with the form's titles from its Welsh.
func TestStaffConsoleInWelsh(t *testing.T) {
	e, _ := newDelegationEnv(t)
	e.useForms(consoleForms(t))
	ctx := context.Background()
	password, err := NewStaff(ctx, e.store, "jo@council.example", "Jo", "Worker", true, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	jo := e.browser()
	jo.get("/login?lang=cy").see("Mewngofnodi diogel")
	jo.loginHere("jo@council.example", password).see("Dewiswch gyfrinair newydd")
	inWelshConsole(t, jo, "first password")
	jo.post("/account/new-password", "password", password, "confirm", password).status(422).see("Dewiswch gyfrinair sy’n wahanol")
	inWelshConsole(t, jo, "first password, the same again")
	jo.post("/account/new-password", "password", testPassword, "confirm", testPassword).see("Gosod dilysu dau gam")
	inWelshConsole(t, jo, "set up the app")
	m := totpSecretRE.FindStringSubmatch(jo.last)
	if m == nil {
		t.Fatal("no key on the set-up page")
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	jo.post("/account/two-factor", "code", "12").status(422).see("Rhaid i’r cod fod yn 6 rhif")
	inWelshConsole(t, jo, "set up the app, a short code")
	e.clock.Advance(totpPeriod)
	code, err := totp.GenerateCodeCustom(secret, e.clock.Now(), totpOptions)
	if err != nil {
		t.Fatal(err)
	}
	jo.post("/account/two-factor", "code", code).see("Eich codau adfer", "Rwyf wedi cadw fy nghodau adfer")
	inWelshConsole(t, jo, "recovery codes")
	e.totp["jo@council.example"] = secret
	if u, err := e.store.UserByEmail(ctx, "jo@council.example"); err != nil || u.Lang != "cy" {
		t.Fatalf("the account's language is %q (%v), want cy", u.Lang, err)
	}
	mails := mustMail(t, e)
	if mails[0].Subject != "Mae dilysu dau gam wedi’i osod" || !strings.Contains(mails[0].Text, "Mawrth 2026") {
		t.Errorf("the set-up email is not in Welsh: %q\n%s", mails[0].Subject, mails[0].Text)
	}
	if mails[1].Subject != "Mae eich cyfrinair wedi’i newid" || !strings.Contains(mails[1].Text, "Cafodd cyfrinair eich cyfrif") {
		t.Errorf("the password email is not in Welsh: %q\n%s", mails[1].Subject, mails[1].Text)
	}

	// Signing in again asks for the app's code in Welsh.
	jo.post("/logout")
	jo.get("/login").post("/login", "email", "jo@council.example", "password", testPassword).see("Rhowch y cod o’ch ap dilysu")
	inWelshConsole(t, jo, "authenticator code")
	jo.post("/login/two-factor", "code", "").status(422).see("Rhowch y cod o’ch ap dilysu")
	inWelshConsole(t, jo, "authenticator code, none typed")
	jo.authenticator("jo@council.example").see("Consol staff", "Dirprwyaethau", "Atgyfeiriadau")
	inWelshConsole(t, jo, "home")

	// Delegating: the form's titles in Welsh, every problem in Welsh, nothing typed lost.
	jo.get("/staff/delegations/new").see("Pa ffurflen?", "Cronoleg Amlasiantaethol")
	inWelshConsole(t, jo, "delegate: which form", familyWords...)
	jo.get("/staff/delegations/new?form=multi-agency-chronology").see("Cronoleg Amlasiantaethol", "Manylion yr ymarferydd", "Cronoleg ymwneud gwasanaethau", "Plentyn 1")
	inWelshConsole(t, jo, "delegate the chronology")
	jo.post("/staff/delegations/new?form=family-check", "email", "not an email", "name", "", "organisation", "Ysgol y Bryn",
		"due.day", "31", "due.month", "2", "due.year", "2026", "reminders", "7, x",
		"case.children.1.dob.day", "30", "case.children.1.dob.month", "2", "case.children.1.dob.year", "2018").status(422).
		see("Mae problem wedi codi", "Dewiswch o leiaf un adran i’w dirprwyo", "Rhowch gyfeiriad e-bost y gweithiwr proffesiynol yn y fformat cywir",
			"Rhowch enw’r gweithiwr proffesiynol", "Rhaid i’r dyddiad dyledus fod yn ddyddiad go iawn", "Rhowch y nodiadau atgoffa fel rhifau cyfan",
			"Rhowch fanylion y plentyn", "Ysgol y Bryn", "7, x", "Rhaid i’r dyddiad geni (Plentyn 2) fod yn ddyddiad go iawn", "Diwrnod (Plentyn 2)")
	inWelshConsole(t, jo, "delegate with problems", append(familyWords, "missing properties", "children")...)
	jo.post("/staff/delegations/new?form=family-check", "sections", "practitioner", "sections", "chronology",
		"email", "sam@school.example", "name", "Sam Jones", "case.familyName", "Boreo",
		"case.children.0.name", "Aurora Boreo", "case.children.0.dob.day", "1", "case.children.0.dob.month", "1", "case.children.0.dob.year", "2016",
		"due.day", "8", "due.month", "4", "due.year", "2026").
		see("Dirprwyaeth", "Anfonwyd", "8 Ebrill 2026", "crëwyd gan jo@council.example", "2 Mawrth 2026 am", "Nodiadau atgoffa Dim")
	inWelshConsole(t, jo, "delegation", append(familyWords, "sent to sam@school.example")...)
	id := regexp.MustCompile(`/staff/delegations/([0-9a-f]+)/retract`).FindStringSubmatch(jo.last)[1]
	jo.post("/staff/delegations/"+id+"/reassign", "email", "", "name", "").see("Rhowch enw a chyfeiriad e-bost dilys")
	inWelshConsole(t, jo, "re-assign with problems", familyWords...)

	// The professional submits it; staff read it, return it with comments, and see what changed.
	sam := e.register("sam@school.example")
	sam.get("/tasks/"+id+"/pages/practitioner").post("/tasks/"+id+"/pages/practitioner", "name", "Sam Jones", "phone", "01632960001", "action", "next")
	sam.post("/tasks/"+id+"/pages/chronology?field=events&row=new", "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026",
		"row.about", "c1", "row.event", "Home visit", "action", "save-row")
	sam.post("/tasks/"+id+"/pages/chronology", "action", "submit")
	sam.post("/tasks/" + id + "/submit").status(200)
	jo.get("/staff").see("Cyflwynwyd")
	inWelshConsole(t, jo, "home with a submission", familyWords...)
	jo.get("/staff/delegations/"+id).see("Cyflwynwyd", "Dychwelyd am ragor o wybodaeth", "Darllen yr atebion")
	inWelshConsole(t, jo, "submitted delegation", append(familyWords, "sent to sam@school.example")...)
	jo.get("/staff/delegations/" + id + "/answers").see("Home visit")
	inWelshConsole(t, jo, "answers", append(familyWords, "Home visit", "Sam Jones", "01632960001", "Aurora Boreo", "1 January 2016", "3 February 2026", "Family check")...)
	jo.get("/staff/delegations/"+id+"/return").see("Dychwelyd am ragor o wybodaeth", "Sylw ar")
	inWelshConsole(t, jo, "return with comments", append(familyWords, "Home visit", "Sam Jones", "01632960001", "Aurora Boreo", "1 January 2016")...)
	jo.post("/staff/delegations/"+id+"/return", "marking", "1", "reason", "").status(422).see("Rhowch y rheswm dros ei dychwelyd")
	inWelshConsole(t, jo, "return with no reason", append(familyWords, "Home visit", "Sam Jones", "01632960001", "Aurora Boreo", "1 January 2016")...)
	jo.post("/staff/delegations/"+id+"/return", "reason", "Dim digon o fanylion", "comment", "Ychwanegwch fis Mawrth").
		see("Dychwelwyd am ragor o wybodaeth", "Dim digon o fanylion")
	inWelshConsole(t, jo, "returned", append(familyWords, "sent to sam@school.example", "Home visit")...)
	sam.post("/tasks/"+id+"/pages/practitioner", "name", "Sam Jones", "phone", "01632960002", "action", "submit")
	sam.post("/tasks/" + id + "/submit").status(200)
	jo.get("/staff/delegations/"+id).see("Newidiadau ers iddi gael ei dychwelyd", "1 newid ers iddi gael ei dychwelyd ar 2 Mawrth 2026", "Newidiwyd", "ailgyflwynwyd gan sam@school.example")
	inWelshConsole(t, jo, "submitted again", append(familyWords, "sent to sam@school.example", "01632960001", "01632960002", "Telephone", "Home visit")...)

	// Several agencies at once.
	jo.get("/staff/requests").see("Ceisiadau i sawl asiantaeth")
	inWelshConsole(t, jo, "requests")
	jo.get("/staff/requests/new?form=family-check").see("Anfon at sawl asiantaeth", "Asiantaeth 3")
	inWelshConsole(t, jo, "send to several agencies", familyWords...)
	jo.post("/staff/requests/new?form=family-check", requestFields("agency.2.name", "", "agency.3.email", "gp@surgery.example")...).status(422).
		see("Rhowch enw’r gweithiwr proffesiynol (asiantaeth 2)", "Mae gan asiantaeth 3 yr un cyfeiriad e-bost ag asiantaeth 2")
	inWelshConsole(t, jo, "send to several agencies with problems", append(familyWords, "Hill Primary School", "Elm Surgery", "Thames Valley Police", "Attendance since 2024")...)
	jo.post("/staff/requests/new?form=family-check", requestFields()...).see("Cais i 3 asiantaeth", "0 o 3", "20 Mawrth 2026", "Dim dyddiad dyledus")
	inWelshConsole(t, jo, "request", append(familyWords, "Hill Primary School", "Elm Surgery", "Thames Valley Police")...)
	rid := regexp.MustCompile(`/staff/requests/([0-9a-f]+)/chronology`).FindStringSubmatch(jo.last)[1]
	jo.get("/staff/requests/"+rid+"/chronology?from.day=40&from.month=1&from.year=2026").status(422).see("Cronoleg gyfun", "Rhaid i’r dyddiad o fod yn ddyddiad go iawn")
	inWelshConsole(t, jo, "merged chronology", append(familyWords, "Hill Primary School", "Elm Surgery", "Thames Valley Police", "Aurora Boreo", "Orion Boreo")...)

	// The admin's pages.
	jo.get("/staff/forms").see("Ffurflenni a fersiynau", "Cronoleg Amlasiantaethol", "Fersiwn 1")
	inWelshConsole(t, jo, "forms and versions", familyWords...)
	jo.get("/staff/audit").see("Log archwilio", "Mawrth 2026")
	inWelshConsole(t, jo, "audit log", append(familyWords, "viewed delegation", "signed in", "read", "delegated", "returned", "request", "submitted",
		"authenticator app set up", "from 127.0.0.1", "sent to", "Sent")...)
	jo.get("/staff/audit?from.day=1&from.month=13&from.year=2026&to.day=1&to.month=1&to.year=2026").status(422).see("Rhaid i’r diwrnod cyntaf fod yn ddyddiad go iawn")
	inWelshConsole(t, jo, "audit log with problems")
	jo.get("/staff/accounts").see("Cyfrifon staff", "Gweinyddwr", "Wedi’i osod")
	inWelshConsole(t, jo, "staff accounts")
	jo.get("/staff/webhooks").see("Bachau gwe", "Does dim cyfeiriadau bachau gwe")
	inWelshConsole(t, jo, "webhooks")
	jo.post("/staff/webhooks", "url", "http://example.org").status(422).see("Rhowch gyfeiriad https")
	inWelshConsole(t, jo, "webhooks with problems")
	jo.post("/staff/webhooks", "url", "https://lcs.council.example/portal-events").see("Ychwanegwyd y bachyn gwe")
	inWelshConsole(t, jo, "webhook added")
	wid := regexp.MustCompile(`/staff/webhooks/([0-9a-f]+)/remove`).FindStringSubmatch(jo.last)[1]
	jo.post("/staff/webhooks/"+wid+"/remove").see("Llwyddiant", "Mae’r cyfeiriad wedi’i ddileu")
	inWelshConsole(t, jo, "webhook removed")
	jo.get("/staff/subject-access").see("Cais gwrthrych am gael gweld data")
	inWelshConsole(t, jo, "subject access")
	jo.post("/staff/subject-access", "email", "not an email").status(422).see("Rhowch gyfeiriad e-bost yn y fformat cywir")
	inWelshConsole(t, jo, "subject access with problems")
	jo.get("/account/two-factor").see("Dilysu dau gam", "Mae gennych 10 o 10 cod adfer ar ôl")
	inWelshConsole(t, jo, "two-factor settings")

	// Back in English, the same pages are in English: the switch, not the pages, chose Welsh.
	jo.get("/staff?lang=en").see("Staff console", "Delegations")
	if !strings.Contains(jo.last, `<html lang="en"`) {
		t.Fatal("not back in English")
	}
}

// TestSingleSignOnFailureInWelsh: the page that says a sign-in through the council's provider did not
// work is in the language chosen before signing in.
func TestSingleSignOnFailureInWelsh(t *testing.T) {
	p := startOIDCProvider(t)
	e := newSSOEnv(t, p)
	p.Shutdown()
	b := e.browser()
	b.get("/login?lang=cy").get("/login/sso").status(503).see("Nid oedd modd eich mewngofnodi", "Nid yw mewngofnodi gyda’ch cyfrif cyngor yn gweithio")
	inWelshConsole(t, b, "single sign-on unavailable")
}
