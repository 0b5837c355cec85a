package e2e

import (
	"testing"
	"time"

	"formportal/internal/browsertest"
)

// A list (the household's members) is GOV.UK's "add another" pattern in Chromium, with JavaScript (each
// person's questions in place) and without (a page for each person, and "Save and add another person"):
// people added, shown in a summary list, one changed, one removed; axe checks every page.
func TestListAddAnotherInTheBrowser(t *testing.T) {
	withAndWithoutJavaScript(t, time.Minute, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortal(t)
		b := p.browser(opts...)
		b.Visit("/")
		b.ClickButton("I am a Professional")
		b.ClickLink("Child / Young Person Safeguarding Concern (as a professional)")
		b.ClickButton("Next")
		p.register(b, "Rose", "Berry", "rose.berry@school.example")
		b.ClickLink("Continue")
		b.ClickButton("3. Child or young person's details")
		b.Fill("Child's full name", "Aurora Boreo")
		b.Choose("Address where the child lives", "Address")
		b.Fill("Address line 1", "41 Test Street")
		b.Fill("Town or city", "Testertown")
		b.Choose("Does the child or family need an interpreter?", "No")
		b.ClickButton("Next") // Next checks the page: its questions are answered
		b.MustSee("No people added yet.")

		b.ClickButton("+ Add a person")
		b.WaitToSee("Save and return")
		b.Fill("Full name", "Alex Boreo")
		b.Fill("Relationship to the child", "Mother")
		if js {
			b.ClickButton("Save and return")
			b.WaitToSee("Person 1 has been saved")
			b.ClickButton("+ Add another person")
			b.WaitToSee("Save and return")
		} else {
			b.ClickButton("Save and add another person")
			b.MustSee("Add a person")
		}
		b.Fill("Full name", "Sam Boreo")
		b.Fill("Relationship to the child", "Brother")
		b.ClickButton("Save and return")
		b.WaitToSee("Person 2 has been saved")
		b.MustSee("Person 1 Full name: Alex Boreo Relationship to the child: Mother")
		b.MustSee("Person 2 Full name: Sam Boreo Relationship to the child: Brother")

		b.ClickButton("Change Person 1")
		b.WaitToSee("Change person 1")
		b.Fill("Relationship to the child", "Mum")
		b.ClickButton("Save and return")
		b.WaitToSee("Person 1 has been saved")
		b.MustSee("Relationship to the child: Mum")

		b.ClickButton("Remove Person 2")
		b.WaitToSee("Person 2 has been removed")
		b.MustNotSee("Sam Boreo")
		b.MustSee("Full name: Alex Boreo")
		b.MustSee("+ Add another person")
	})
}
