package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"formportal/internal/browsertest"
	"formportal/internal/placestest"
)

// startPortalWithLookup starts the portal with its address lookup pointed at the local gazetteer g.
func startPortalWithLookup(t *testing.T, g *placestest.Server) *portal {
	t.Helper()
	keyFile := filepath.Join(t.TempDir(), "lookup-key")
	if err := os.WriteFile(keyFile, []byte(placestest.Key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return startPortalWith(t, []string{"-address-lookup-url", g.URL(), "-address-lookup-key-file", keyFile, "-address-lookup-timeout", "1s"})
}

// The Safeguarding Concern's child's address, with the portal's address lookup pointed at a local
// gazetteer in the OS Places shape: GOV.UK's find-an-address pattern. Without JavaScript each button is a
// page load and the address's lines are always on the page; with it, the search and the choice happen
// in place, the lines appear when wanted, and the live region says what happened. A postcode with no
// addresses and a gazetteer that fails both leave the way to type the address. Each state is checked
// with axe.
func TestFindAddressInTheBrowser(t *testing.T) {
	withAndWithoutJavaScript(t, time.Minute, func(t *testing.T, js bool, opts []browsertest.Option) {
		g := placestest.New(t)
		p := startPortalWithLookup(t, g)
		b := p.browser(opts...)
		b.Visit("/")
		b.ClickButton("I am a Professional")
		b.ClickLink("Child / Young Person Safeguarding Concern (as a professional)")
		b.ClickButton("Next")
		p.register(b, "Rose", "Berry", "rose.berry@school.example")
		b.ClickLink("Continue")
		b.Fill("Role", "Designated safeguarding lead")
		b.Fill("Organisation", "Cherwell Primary School")
		b.Fill("Telephone number", "01632 960 001")
		b.ClickButton("Next")
		b.MustSee("Child or young person's details")

		b.Fill("Child's full name", "Sam Boreo")
		b.Choose("Child's date of birth", "Date of birth not known")
		b.Fill("Approximate age in years", "7")
		b.Choose("Does the child or family need an interpreter?", "No")
		b.Choose("Address where the child lives", "Address")
		b.MustSee("Find address")
		b.MustSee("Enter the address manually")
		if js {
			b.MustNotSee("Address line 1") // until wanted
		} else {
			b.MustSee("Address line 1")
		}
		if js {
			b.Eval(`window.appNoReload = 1`, nil) // gone if the page loads again
		}
		stayed := func() {
			t.Helper()
			if !js {
				return
			}
			var v any
			b.Eval(`window.appNoReload`, &v)
			if v == nil {
				t.Fatal("the page loaded again: the search should happen in place")
			}
		}

		// No addresses at the postcode: said, and the lines are there to type in.
		b.Fill("Postcode", placestest.None)
		b.ClickButton("Find address")
		b.WaitToSee("We could not find an address for that postcode (ZZ99 9ZZ)")
		b.MustSee("Address line 1")
		stayed()
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("no address found:\n%s", r)
		}

		// The gazetteer failing: the same, never an error page.
		b.Fill("Postcode", placestest.Broken)
		b.ClickButton("Find address")
		b.WaitToSee("We cannot look up addresses at the moment. Enter the address manually.")
		b.MustSee("Child's full name")
		stayed()

		// Found: choose one, and it fills the lines.
		b.Fill("Postcode", "so16 0as")
		b.ClickButton("Find address")
		b.WaitToSee("2 addresses found")
		stayed()
		// announced is what the question's live region says, once the script has said it.
		announced := func() string {
			var said string
			b.Eval(`new Promise((done) => setTimeout(() => done(document.querySelector('#child_address-finder [data-address-status]').textContent), 400))`, &said)
			return said
		}
		if js {
			if f := b.Focused(); !strings.Contains(f, "select") {
				t.Errorf("after the search the focus is on %s, want the list of addresses", f)
			}
			if said := announced(); said != "2 addresses found" {
				t.Errorf("the live region says %q", said)
			}
		}
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("addresses found:\n%s", r)
		}
		b.Select("Select an address", "Flat 2, Riverside House")
		b.ClickButton("Use this address")
		if js {
			if said := announced(); !strings.HasPrefix(said, "The address has been filled in") {
				t.Errorf("after Use this address the live region says %q", said)
			}
			if f := b.Focused(); !strings.Contains(f, "child_address-line1") {
				t.Errorf("after Use this address the focus is on %s, want address line 1", f)
			}
		}
		stayed()
		for label, want := range map[string]string{"Address line 1": "Flat 2, Riverside House", "Address line 2 (optional)": "6 Adanac Drive, Nursling",
			"Town or city": "Southampton", "Postcode": "SO16 0AS"} {
			if got := b.Value(label); got != want {
				t.Errorf("%s holds %q, want %q", label, got, want)
			}
		}
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("the address used:\n%s", r)
		}
		// The server checks and keeps it as a typed address.
		b.ClickButton("Next")
		b.MustSee("No people added yet.")
		b.MustNotSee("There is a problem")

		// A household member's address, on the person's row (in place with JavaScript): the search
		// saves the new person, and saving afterwards changes that person rather than adding another.
		b.ClickButton("+ Add a person")
		b.WaitToSee("Save and return")
		b.Fill("Full name", "Alex Boreo")
		b.Fill("Relationship to the child", "Mother")
		b.Choose("Address", "Address")
		b.Fill("Postcode", placestest.Single)
		b.ClickButton("Find address")
		b.WaitToSee("1 address found")
		if r := b.Audit(); len(r.Violations) > 0 {
			t.Fatalf("the person's address found:\n%s", r)
		}
		b.Select("Select an address", "12 Heol Y Frenhines")
		b.ClickButton("Use this address")
		if got := b.Value("Address line 1"); got != "12 Heol Y Frenhines" {
			t.Fatalf("the person's line 1 holds %q", got)
		}
		b.ClickButton("Save and return")
		b.WaitToSee("Person 1 has been saved")
		b.MustSee("12 Heol Y Frenhines")
		b.MustNotSee("Person 2")

		// The search saves a second person too, so cancelling afterwards leaves them saved: the list shows
		// them (its rows drawn again with JavaScript, as the table page shows them without), and the live
		// region says they were saved, not that nothing changed.
		b.ClickButton("+ Add another person")
		b.WaitToSee("Save and return")
		b.Fill("Full name", "Kit Boreo")
		b.Fill("Relationship to the child", "Brother")
		b.Choose("Address", "Address")
		if js {
			b.Eval(`window.appNoReload = 1`, nil) // the page loaded since (Next)
		}
		b.Fill("Postcode", placestest.Single)
		b.ClickButton("Find address")
		b.WaitToSee("1 address found")
		b.ClickLink("Cancel")
		b.WaitToSee("Kit Boreo")
		b.MustSee("Person 2")
		if js {
			stayed()
			var said string
			b.Eval(`new Promise((done) => setTimeout(() => done(document.querySelector('#household_members-status').textContent), 400))`, &said)
			if said != "Person 2 has been saved" {
				t.Errorf("after cancelling a searched person, the live region says %q", said)
			}
		}
		b.ClickButton("3. Child or young person's details")
		if got := b.Value("Address line 1"); got != "Flat 2, Riverside House" {
			t.Fatalf("after saving, line 1 holds %q", got)
		}
		for _, r := range g.Requests() {
			if q := r.URL.Query(); len(q) != 3 || r.Header.Get("Cookie") != "" {
				t.Errorf("the gazetteer was sent %v with headers %v", q, r.Header)
			}
		}
	})
}
