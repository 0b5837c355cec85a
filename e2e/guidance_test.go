package e2e

import "testing"

// The Early Help request's overview, read before signing in, shows its guidance as GOV.UK components:
// details that open on a click with a link to the threshold guidance, and a warning text. axe checks the
// page, closed and open.
func TestGuidanceComponentsInTheBrowser(t *testing.T) {
	p := startPortal(t)
	b := p.browser()
	b.Visit("/")
	b.ClickButton("I am a Professional")
	b.ClickLink("Early Help request (as a professional)")
	b.MustSee("Is Early Help the right support?")
	b.MustSee("If a child is in immediate danger, call 999.")
	open := func() (o bool) {
		b.Eval(`document.querySelector(".govuk-details").open`, &o)
		return o
	}
	if open() {
		t.Fatal("the details are open before they are clicked")
	}
	b.Eval(`(document.querySelector(".govuk-details__summary").click(), true)`, nil)
	if !open() {
		t.Fatal("the details do not open on a click")
	}
	b.MustSee("Families at level 1 can get help")
	var link struct {
		Href, Rel, Class string
	}
	b.Eval(`(() => { const a = document.querySelector(".govuk-details__text a"); return {Href: a.href, Rel: a.rel, Class: a.className} })()`, &link)
	if link.Href != "https://www.example.gov.uk/children/threshold-guidance" || link.Rel != "noreferrer" || link.Class != "govuk-link" {
		t.Errorf("the threshold guidance link is %+v", link)
	}
	if report := b.Audit(); len(report.Violations) > 0 {
		t.Errorf("axe with the details open: %+v", report.Violations)
	}
	t.Log("screenshot: ", b.Screenshot("guidance"))
}
