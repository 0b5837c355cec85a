package e2e

import (
	"testing"

	"formportal/internal/browsertest"
)

// The pages a professional and a member of the public use fit a 320 pixel wide screen without scrolling
// sideways (WCAG 2.2's reflow criterion): the start page, the tasks table, a task's child banner and form
// pages, and a referral's overview.
func TestPagesFitA320PixelScreen(t *testing.T) {
	p := startPortal(t)
	task := p.delegate("kim.lee@school.example")
	b := p.browser(browsertest.WithViewport(320, 640))
	overflow := func(where string) {
		t.Helper()
		var widths struct{ Scroll, Client int }
		b.Eval(`({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`, &widths)
		if widths.Scroll > widths.Client {
			t.Errorf("%s is %d pixels wide on a %d pixel screen", where, widths.Scroll, widths.Client)
		}
	}
	b.Visit("/")
	overflow("the start page")
	b.ClickLink("Child / Young Person Safeguarding Concern (as a professional)")
	overflow("a referral's overview")
	p.emailLink(b, "kim.lee@school.example")
	p.register(b, "Kim", "Lee", "kim.lee@school.example")
	b.Visit("/tasks")
	overflow("the tasks page")
	for _, page := range []string{"practitioner", "chronology", "supporting_documentation"} {
		b.Visit("/tasks/" + task + "/pages/" + page)
		overflow("the task page " + page)
	}
}
