package e2e

import (
	"testing"
	"time"

	"formportal/internal/browsertest"
)

// The Early Help Request's table of the family's GP, school and health visitor in Chromium, with
// JavaScript (rows changed in place) and without (each row on its own page): the fixed rows are there
// before anything is typed, headed by their labels, changed and never removable; a row added after them
// can be removed. axe checks every page, and the row's form drawn in place.
func TestFixedRowsInTheBrowser(t *testing.T) {
	withAndWithoutJavaScript(t, 2*time.Minute, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortal(t)
		b := p.browser(opts...)
		b.Visit("/")
		b.ClickButton("I am a Professional")
		b.ClickLink("Early Help request (as a professional)")
		b.ClickButton("Next")
		p.register(b, "Rose", "Berry", "rose.berry@school.example")
		b.ClickLink("Continue")
		b.ClickButton("8. Agencies already involved")
		b.MustSee("The family's GP, school and health visitor")
		b.MustSee("GP Not answered Not answered Not answered Change GP")
		b.MustSee("Health visitor or school nurse")
		b.MustNotSee("Remove GP")
		b.MustNotSee("Remove Health visitor or school nurse")

		b.ClickButton("Change GP")
		b.WaitToSee("Save and return")
		if js {
			if r := b.Audit(); len(r.Violations) > 0 {
				t.Fatalf("the fixed row's form in place:\n%s", r)
			}
		}
		b.Fill("Name", "Testertown Medical Centre")
		b.Fill("Telephone number", "01632960001")
		b.ClickButton("Save and return")
		b.WaitToSee("GP has been saved")
		b.MustSee("GP Testertown Medical Centre 01632960001")

		b.ClickButton("+ Add another row")
		b.WaitToSee("Save and return")
		b.Fill("Name", "Family support worker")
		b.ClickButton("Save and return")
		b.WaitToSee("Row 4 has been saved")
		b.MustSee("4 Family support worker")
		b.ClickButton("Remove Row 4")
		b.MustSee("Row 4 has been removed")
		b.MustNotSee("Family support worker")
		b.MustSee("GP Testertown Medical Centre")
	})
}
