package e2e

import (
	"testing"
	"time"

	"formportal/internal/browsertest"
)

// The Early Help Request in Chromium, with JavaScript and without: a child added to "Children in the
// family" gets a page of its own, "About Amy Smith", in the task list; an adult's agencies are a list
// inside the adult, each added on a page of its own; the child removed takes its page with it. axe
// checks every page.
func TestRepeatedSectionAndListInsideAListInTheBrowser(t *testing.T) {
	withAndWithoutJavaScript(t, 2*time.Minute, func(t *testing.T, js bool, opts []browsertest.Option) {
		p := startPortal(t)
		b := p.browser(opts...)
		b.Visit("/")
		b.ClickButton("I am a Professional")
		b.ClickLink("Early Help request (as a professional)")
		b.ClickButton("Next")
		p.register(b, "Rose", "Berry", "rose.berry@school.example")
		b.ClickLink("Continue")
		b.ClickButton("3. Children in the family")
		b.MustNotSee("About each child")

		b.ClickButton("+ Add a child")
		b.WaitToSee("Save and return")
		b.Fill("Full name", "Amy Smith")
		b.Fill("Day", "2")
		b.Fill("Month", "4")
		b.Fill("Year", "2019")
		b.ClickButton("Save and return")
		b.WaitToSee("Child 1 has been saved")
		b.MustSee("4. About Amy Smith")

		b.ClickButton("4. About Amy Smith")
		b.MustSee("Tell us what is going well for this child")
		b.Fill("What is going well for this child?", "She loves nursery")
		b.ClickButton("Next")
		b.MustSee("Family details")
		b.ClickButton("4. About Amy Smith")
		if got := b.Value("What is going well for this child?"); got != "She loves nursery" {
			t.Fatalf("the child's answer, saved: %q", got)
		}

		b.ClickButton("5. Family details")
		b.ClickButton("+ Add an adult")
		b.WaitToSee("Agencies working with this adult")
		b.Fill("Full name", "Jo Smith")
		b.Fill("Relationship to the children", "Mother")
		b.ClickButton("+ Add an agency")
		b.WaitToSee("Add an agency")
		b.Fill("Agency or service", "Probation service")
		b.Fill("Name and role of the worker", "Sam Jones, probation officer")
		b.ClickButton("Save and return")
		b.WaitToSee("Agency 1")
		b.MustSee("Probation service")
		b.ClickButton("Save and return")
		b.WaitToSee("Adult 1 has been saved")
		b.MustSee("Probation service")

		b.ClickButton("3. Children in the family")
		b.ClickButton("Remove Child 1")
		b.WaitToSee("Child 1 has been removed")
		b.MustNotSee("About Amy Smith")
	})
}
