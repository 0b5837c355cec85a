package web

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"formportal/forms"
)

// demoEnv serves the bundled forms with the demo seeded.
func demoEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.useForms(lib)
	if err := e.app.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestDemoData seeds the demo with the bundled forms and walks what a newcomer sees.
func TestDemoData(t *testing.T) {
	e := demoEnv(t)
	if err := e.app.SeedDemo(context.Background()); err != nil { // idempotent
		t.Fatal(err)
	}
	// The demo professional's code is in the dev mailbox, like everyone's.
	b := e.browser().login(DemoEmail, DemoPassword)
	b.see("Tasks", "Multi-Agency Chronology", "Aurora Boreo and 1 sibling", "Frodo Bagginski", "No due date")
	b.get("/recover").see("Child / Young Person Safeguarding Concern")
	b.get("/submitted").see("Forms requesting more information", "Insufficient Detail", "Early Help")
	// The demo admin's authenticator secret is the README's; the dev mailbox shows its current code.
	e.browser().get("/dev/mail").see("Demo staff authenticator code")
	e.totp[DemoStaffEmail] = DemoStaffTOTPSecret
	staff := e.browser().login(DemoStaffEmail, DemoStaffPassword)
	staff.get("/staff").see("Staff console", "Multi-Agency Chronology", "Early Help")
	mails := mustMail(t, e)
	if len(mails) < 3 {
		t.Fatalf("demo emails: %v", mails)
	}
	for _, m := range mails {
		if childDetail.MatchString(m.Text) || strings.Contains(m.Text, "Frodo") {
			t.Fatalf("a demo email names a child: %s", m.Text)
		}
	}
}

// TestDemoSavedAndSubmittedListsInWelsh reads Recover a Form and Submitted Forms in Welsh: the child, how
// long ago a form was saved and every date are in Welsh too, and a form that lists its children (Early
// Help) is named by them, not "not given yet".
func TestDemoSavedAndSubmittedListsInWelsh(t *testing.T) {
	e := demoEnv(t)
	b := e.browser().login(DemoEmail, DemoPassword)
	b.get("/submitted").see("Early Help request")
	early := regexp.MustCompile(`Early Help request\s+(.*?) and 1 sibling\s+\d+ \w+ \d{4}`).FindStringSubmatch(htmlText(b.last))
	if early == nil {
		t.Fatalf("the submitted Early Help request is not named by its two children:\n%s", htmlText(b.last))
	}
	b.get("/recover?lang=cy").see("Adfer Ffurflen", "Heb ei roi eto", "diwrnod yn ôl")
	b.get("/submitted?lang=cy").see("Ffurflenni a Gyflwynwyd", early[1]+" ac 1 brawd neu chwaer")
	english := []string{"Not given yet", "Today", "days ago"}
	for m := time.January; m <= time.December; m++ {
		english = append(english, " "+m.String()[:3]) // "29 Mar 2026" and "29 March 2026" alike
	}
	for _, page := range []string{"/recover", "/submitted"} {
		b.get(page)
		text := htmlText(b.last)
		for _, english := range english {
			if strings.Contains(text, english) {
				t.Errorf("%s in Welsh says %q:\n%s", page, english, text)
			}
		}
	}
}

// TestDemoReturnedFormShowsItsSectionsDone opens the demo's form returned for more information: every
// section was answered before it was submitted, so none says Not started.
func TestDemoReturnedFormShowsItsSectionsDone(t *testing.T) {
	e := demoEnv(t)
	b := e.browser().login(DemoEmail, DemoPassword)
	b.get("/submitted").see("Forms requesting more information")
	returned := regexp.MustCompile(`href="(/referrals/[0-9a-f]+)"`).FindStringSubmatch(b.last)
	if returned == nil {
		t.Fatalf("no returned form to open:\n%s", htmlText(b.last))
	}
	b.get(returned[1]).see("More information requested", "Child or young person's details", "Completed")
	// The wrong child? The seed's way back to choose another form.
	if !strings.Contains(b.last, `href="/submitted">Go back to Submitted Forms</a>`) {
		t.Fatalf("the returned form has no way back to Submitted Forms:\n%s", htmlText(b.last))
	}
	if text := htmlText(b.last); strings.Contains(text, "Not started") {
		t.Fatalf("the returned form, answered in full, has sections Not started:\n%s", text)
	}
	// The saved draft: its answered sections are Completed, the rest not started.
	b.get("/recover")
	draft := regexp.MustCompile(`href="(/referrals/[0-9a-f]+)"`).FindStringSubmatch(b.last)
	b.get(draft[1]).see("Your details", "Completed", "Not started")
}
