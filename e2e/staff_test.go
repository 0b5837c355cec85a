package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"formportal/internal/browsertest"
	"formportal/web"
)

// TestStaffDelegatesAndReturnsInTheBrowser: a council worker without a case management system delegates a
// chronology from the staff console, follows it, and returns the contribution for more information.
func TestStaffDelegatesAndReturnsInTheBrowser(t *testing.T) {
	p := startPortal(t)
	password, err := web.NewStaff(context.Background(), p.store, "jo.worker@council.example", "Jo", "Worker", true, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	jo := p.browser()
	p.firstStaffSignIn(jo, "jo.worker@council.example", password)
	jo.Visit("/staff")
	jo.ClickLink("Delegate a form")
	jo.Check("Multi-Agency Chronology")
	jo.ClickButton("Continue")
	jo.Fill("Professional's email address", "sam.jones@school.example")
	jo.Fill("Professional's name", "Sam Jones")
	jo.Fill("Family name", "Boreo family")
	jo.Fill("Name (Child 1)", "Aurora Boreo")
	fillCaseDate(jo, "Child 1", "1 1 2016")
	jo.Fill("Name (Child 2)", "Orion Boreo")
	fillCaseDate(jo, "Child 2", "31 2 2018")
	// A date of birth that is not a date: GOV.UK's message, linked to its day, with what was typed kept.
	jo.ClickButton("Send to the professional")
	jo.MustSee("There is a problem")
	jo.ClickLink("The date of birth (Child 2) must be a real date")
	if got := jo.Focused(); !strings.Contains(got, "#case-children-1-dob-day") {
		t.Errorf("the error summary's link took the focus to %s, not to the day of Child 2's date of birth", got)
	}
	if got := jo.Value("Day (Child 2)") + " " + jo.Value("Month (Child 2)") + " " + jo.Value("Year (Child 2)"); got != "31 2 2018" {
		t.Errorf("Child 2's date of birth came back as %q", got)
	}
	fillCaseDate(jo, "Child 2", "20 5 2018")
	jo.ClickButton("Send to the professional")
	jo.MustSee("Aurora Boreo and 1 sibling")
	jo.MustSee("Sent")
	p.smtp.WaitFor(t, "sam.jones@school.example", 10*time.Second)

	jo.Fill("Reason for retracting", "Sent to the wrong school")
	jo.ClickButton("Retract")
	jo.MustSee("Retracted")
	// The forms and their versions, checked by axe: the retracted delegation is no longer open.
	jo.Visit("/staff")
	jo.ClickLink("Forms and versions")
	jo.MustSee("Multi-Agency Chronology")
	jo.MustSee("Version 1")
	jo.Visit("/staff/audit")
	jo.MustSee("delegated")
	jo.MustSee("retract")
	// The filter, its error summary and the filtered page, each checked by axe.
	jo.Fill("Person", "nobody@council.example")
	jo.ClickButton("Filter")
	jo.MustSee("No entries match")
	jo.Fill("Person", "JO.WORKER@council.example")
	jo.ClickButton("Filter")
	jo.MustSee("retract")
	jo.Visit("/staff/audit?from.day=31&from.month=2&from.year=2026")
	jo.MustSee("The first day must be a real date")
	jo.ClickLink("Clear filter")
	jo.MustSee("signed in")
}

// firstStaffSignIn is a new member of staff's first sign-in, as `portal staff create` leaves them: the
// printed password and the emailed code, a password of their own, then an authenticator app set up from
// the QR code (the test's "app" reads the key shown under it). It returns the recovery codes shown, and
// the browser ends at the staff console with the new password being the harness's password.
func (p *portal) firstStaffSignIn(b *browsertest.Browser, email, firstPassword string) []string {
	p.t.Helper()
	p.login(b, email, firstPassword)
	b.MustSee("Choose a new password")
	b.Fill("New password", password)
	b.Fill("Please enter the same password", password)
	b.ClickButton("Change password")
	b.MustSee("Set up two-factor authentication")
	var loaded bool
	b.Eval(`(() => { const img = document.querySelector('img[alt="QR code to scan with your authenticator app"]'); return !!img && img.complete && img.naturalWidth === 240 })()`, &loaded)
	if !loaded {
		p.t.Fatal("the QR code did not load")
	}
	var secret string
	b.Eval(`document.getElementById("totp-secret").textContent`, &secret)
	p.totp[email] = strings.ReplaceAll(secret, " ", "")
	b.Fill("Code from the app", p.authenticatorCode(email))
	b.ClickButton("Continue")
	b.MustSee("Your recovery codes")
	b.MustSee("shown only once")
	var codes []string
	b.Eval(`[...document.querySelectorAll("#recovery-codes code")].map(c => c.textContent)`, &codes)
	if len(codes) != 10 {
		p.t.Fatalf("%d recovery codes shown", len(codes))
	}
	b.ClickLink("I have saved my recovery codes")
	b.MustSee("Staff console")
	return codes
}

// TestStaffSetUpTwoFactorAndSignInWithIt: a new member of staff changes the printed password, sets up an
// authenticator app from the QR code and gets recovery codes, then signs in with the app's code and, with
// the phone lost, with a recovery code. An admin disables the account from the console and it is signed
// out. Axe checks every page.
func TestStaffSetUpTwoFactorAndSignInWithIt(t *testing.T) {
	p := startPortal(t)
	first, err := web.NewStaff(context.Background(), p.store, "kit.carer@council.example", "Kit", "Carer", false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kit := p.browser()
	codes := p.firstStaffSignIn(kit, "kit.carer@council.example", first)
	logout(kit, "Kit Carer")

	// Every sign-in asks for the app's code, not an emailed one.
	emailed := p.smtp.Count("kit.carer@council.example")
	kit.Visit("/login")
	kit.Fill("Email address", "kit.carer@council.example")
	kit.Fill("Password", password)
	kit.ClickButton("Sign in")
	kit.MustSee("Enter the code from your authenticator app")
	kit.Fill("Code", "000000")
	kit.ClickButton("Sign in")
	kit.MustSee("The code is not correct")
	kit.Fill("Code", p.authenticatorCode("kit.carer@council.example"))
	kit.ClickButton("Sign in")
	kit.MustSee("Staff console")
	logout(kit, "Kit Carer")
	if n := p.smtp.Count("kit.carer@council.example"); n != emailed {
		t.Fatalf("%d emails sent for a sign-in with the app", n-emailed)
	}

	// The phone is lost: a recovery code signs in once, and the holder is told.
	kit.Visit("/login")
	kit.Fill("Email address", "kit.carer@council.example")
	kit.Fill("Password", password)
	kit.ClickButton("Sign in")
	kit.Fill("Code", codes[3])
	kit.ClickButton("Sign in")
	kit.MustSee("Staff console")
	for m := p.smtp.WaitFor(t, "kit.carer@council.example", 10*time.Second); m.Subject != "A recovery code was used to sign in"; {
		m = p.smtp.WaitFor(t, "kit.carer@council.example", 10*time.Second) // the holder is told, after earlier emails
	}
	kit.Visit("/account/two-factor")
	kit.MustSee("You have 9 of 10 recovery codes left")

	// An admin disables the account: Kit is signed out at once.
	boss := p.browser()
	firstBoss, err := web.NewStaff(context.Background(), p.store, "boss@council.example", "Bo", "Boss", true, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p.firstStaffSignIn(boss, "boss@council.example", firstBoss)
	boss.ClickButton("Bo Boss")
	boss.ClickLink("Staff accounts")
	boss.MustSee("kit.carer@council.example")
	boss.ClickButton("Disable kit.carer@council.example")
	boss.MustSee("Disabled on")
	kit.Visit("/staff")
	kit.MustSee("Secure login")
}

// fillCaseDate types a date ("31 1 2016") into the day, month and year of a child's date of birth on the
// staff console's "Delegate a form" or "Send to several agencies".
func fillCaseDate(b *browsertest.Browser, child, date string) {
	parts := strings.Fields(date)
	b.Fill("Day ("+child+")", parts[0])
	b.Fill("Month ("+child+")", parts[1])
	b.Fill("Year ("+child+")", parts[2])
}
