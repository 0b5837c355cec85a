package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"formportal/internal/browsertest"
	"formportal/internal/placestest"
)

// Enter in a text input does what the page's primary button does, in Chromium with JavaScript and
// without: on a task's page (whose header's Cymraeg button, which saves the page first, comes before
// the page's own buttons) and on a referral's page it goes on to the next page with the answer saved,
// still in English; on a row's page (a chronology row, and a household member with the address lookup's
// Find address before Save) it saves the row. axe checks every page, and the rows' forms drawn in place.
func TestEnterDoesWhatThePrimaryButtonDoesInTheBrowser(t *testing.T) {
	withAndWithoutJavaScript(t, time.Minute, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortalWithLookup(t, placestest.New(t))
		b := p.browser(opts...)
		landed := func(what, page string) {
			t.Helper()
			var lang string
			b.Eval(`document.documentElement.lang`, &lang)
			if lang != "en" || !strings.HasSuffix(b.Path(), "/pages/"+page) {
				t.Fatalf("%s: Enter led to %s in <html lang=%q>, want the page %s in English", what, b.Path(), lang, page)
			}
		}
		saved := func(what, id, field string, want any) {
			t.Helper()
			if got := savedChronology(t, p, id).Values[field]; got != want {
				t.Fatalf("%s: %s saved as %#v, want %#v", what, field, got, want)
			}
		}
		auditInPlace := func(what string) {
			t.Helper()
			if js {
				inPlace(t, b, what)
				if r := b.Audit(); len(r.Violations) > 0 {
					t.Fatalf("%s in place:\n%s", what, r)
				}
			}
		}

		email := "sam.jones@school.example"
		task := p.delegate(email)
		p.emailLink(b, email)
		p.register(b, "Sam", "Jones", email)
		b.ClickLink("Continue")
		b.ClickLink("Aurora Boreo and 1 sibling")
		b.Fill("Role", "Designated safeguarding lead")
		b.Fill("Organisation", "Cherwell Primary School")
		b.Fill("Telephone number", "01632960001")
		b.Fill("Name of practitioner", "Sam Enter")
		b.Press("Enter")
		landed("task page", "child_family")
		saved("task page", task, "practitioner_name", "Sam Enter")

		b.Visit("/tasks/" + task + "/pages/chronology")
		b.Check("Yes")
		b.ClickButton("+ Add a row")
		b.WaitToSee("Save and return")
		auditInPlace("the chronology's row")
		fillRow(b, "3", "2", "2026", "Home visit by the school nurse", "Aurora Boreo")
		b.Fill("Year", "2026") // back in a text input
		b.Press("Enter")
		b.WaitToSee("Row 1 has been saved")
		if got := storedEvents(t, p, task); len(got) != 1 || got[0] != "Home visit by the school nurse" {
			t.Fatalf("Enter in the row's form saved the rows %q", got)
		}

		b.Visit("/")
		b.ClickButton("I am a Professional")
		b.ClickLink("Child / Young Person Safeguarding Concern (as a professional)")
		b.ClickButton("Next")
		b.MustSee("Your details")
		b.Fill("Role", "Class teacher")
		b.Fill("Organisation", "Cherwell Primary School")
		b.Fill("Telephone number", "01632960002")
		b.Press("Enter")
		landed("referral page", "child_details")
		m := regexp.MustCompile(`^/referrals/([0-9a-f]+)/`).FindStringSubmatch(b.Path())
		if m == nil {
			t.Fatalf("not on a referral's page: %s", b.Path())
		}
		referral := m[1]
		saved("referral page", referral, "professional_telephone", "01632960002")

		b.Visit("/referrals/" + referral + "/pages/household")
		b.ClickButton("+ Add a person")
		b.WaitToSee("Save and return")
		auditInPlace("the household member's row")
		var finder bool
		b.Eval(`!!document.querySelector('[data-row-editor] [data-address-find]')`, &finder)
		if !finder {
			t.Fatal("the person's questions have no Find address button before Save: this test no longer tests it")
		}
		b.Fill("Relationship to the child", "Mother")
		b.Fill("Full name", "Alex Boreo")
		b.Press("Enter")
		b.WaitToSee("Person 1 has been saved")
		b.MustSee("Person 1 Full name: Alex Boreo Relationship to the child: Mother")
		members, _ := savedChronology(t, p, referral).Values["household_members"].([]any)
		if len(members) != 1 || members[0].(map[string]any)["name"] != "Alex Boreo" {
			t.Fatalf("Enter in the person's form saved the household %v", members)
		}
	})
}
