package e2e

import (
	"strconv"
	"testing"
	"time"

	"formportal/internal/browsertest"
)

// The Safeguarding Concern's child's date of birth is one question: choosing Born, Unborn or Not known
// reveals its own inputs with JavaScript; without, every choice's inputs show under it. Its address is
// GOV.UK's address pattern with no fixed abode and address not known, and a household member can be at
// the same address as the child. A telephone number may be typed with spaces. Each page is checked with
// axe.
func TestDateOfBirthAndAddressInTheBrowser(t *testing.T) {
	withAndWithoutJavaScript(t, time.Minute, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortal(t)
		b := p.browser(opts...)
		b.Visit("/")
		b.ClickButton("I am a Professional")
		b.ClickLink("Child / Young Person Safeguarding Concern (as a professional)")
		b.ClickButton("Next")
		p.register(b, "Rose", "Berry", "rose.berry@school.example")
		b.ClickLink("Continue")
		b.Fill("Role", "Designated safeguarding lead")
		b.Fill("Organisation", "Cherwell Primary School")
		b.Fill("Telephone number", "01632 960 001") // spaces are fine: kept as digits
		b.ClickButton("Next")
		b.MustSee("Child or young person's details")
		b.MustNotSee("There is a problem")

		b.Fill("Child's full name", "Unborn baby of Alex Boreo")
		if js {
			b.MustNotSee("Expected due date")
			b.MustNotSee("Approximate age in years")
		} else {
			b.MustSee("Expected due date")
			b.MustSee("Approximate age in years")
		}
		b.Choose("Child's date of birth", "Unborn")
		b.MustSee("Expected due date")
		if js {
			b.MustNotSee("Approximate age in years")
			b.MustNotSee("The date of birth is estimated")
		}
		// A due date two years ahead is refused, saying the dates it may be between.
		far := time.Now().AddDate(2, 0, 0)
		b.Fill("Day (expected due date)", "1")
		b.Fill("Month (expected due date)", "1")
		b.Fill("Year (expected due date)", strconv.Itoa(far.Year()))
		b.Choose("Address where the child lives", "Address")
		b.Fill("Address line 1", "41 Test Street")
		b.Fill("Town or city", "Testertown")
		b.Fill("Postcode (optional)", "ts1 1s")
		b.Choose("Does the child or family need an interpreter?", "No")
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("the child's page:\n%s", r)
		}
		b.ClickButton("Next")
		b.MustSee("There is a problem")
		b.MustSee("Expected due date must be between")
		b.MustSee("Enter a real postcode, like SW1A 1AA")
		if got := b.Value("Address line 1"); got != "41 Test Street" {
			t.Fatalf("what was typed was not kept: %q", got)
		}
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("the child's page with its errors:\n%s", r)
		}
		due := time.Now().AddDate(0, 3, 0)
		b.Fill("Day (expected due date)", strconv.Itoa(due.Day()))
		b.Fill("Month (expected due date)", strconv.Itoa(int(due.Month())))
		b.Fill("Year (expected due date)", strconv.Itoa(due.Year()))
		b.Fill("Postcode (optional)", "ts11st")
		b.ClickButton("Next")
		b.MustSee("No people added yet.")

		b.ClickButton("+ Add a person")
		b.WaitToSee("Save and return")
		b.Fill("Full name", "Alex Boreo")
		b.Fill("Relationship to the child", "Mother")
		b.Choose("Address", "Same as address where the child lives")
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("the person's page:\n%s", r)
		}
		b.ClickButton("Save and return")
		b.WaitToSee("Person 1 has been saved")
		b.MustSee("Address: Same as address where the child lives")

		// The child's page keeps what was chosen and typed, the postcode as the portal writes it.
		b.ClickButton("3. Child or young person's details")
		if got := b.Value("Postcode (optional)"); got != "ts11st" {
			t.Fatalf("the postcode as typed: %q", got)
		}
		b.Choose("Child's date of birth", "Date of birth not known")
		b.Fill("Approximate age in years", "30")
		b.ClickButton("Next")
		b.MustSee("Approximate age must be between 0 and 25")
		b.Fill("Approximate age in years", "7")
		b.ClickButton("Next")
		b.MustSee("Person 1")
	})
}
