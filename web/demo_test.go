package web

import (
	"context"
	"strings"
	"testing"

	"formportal/forms"
)

// TestDemoData seeds the demo with the bundled forms and walks what a newcomer sees.
func TestDemoData(t *testing.T) {
	e := newEnv(t)
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.useForms(lib)
	for range 2 { // idempotent
		if err := e.app.SeedDemo(context.Background()); err != nil {
			t.Fatal(err)
		}
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
