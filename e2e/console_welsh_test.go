package e2e

import (
	"context"
	"testing"
	"time"

	"formportal/web"
)

// TestStaffConsoleInWelsh: a member of staff switches the console to Welsh with the header's switch (kept
// in their account), sends a delegation, reads a submitted one and returns it with a comment, every page
// in Welsh, with axe on every page.
func TestStaffConsoleInWelsh(t *testing.T) {
	p := startPortal(t)
	// A chronology already delegated through the API, which its professional submits.
	code, out := p.api("POST", "/delegations", map[string]any{
		"form": "multi-agency-chronology", "caseData": siblings(), "dueDate": "2026-12-08", "sections": []string{"chronology"},
		"professional": map[string]any{"email": "sam.jones@school.example", "name": "Sam Jones", "organisation": "Cherwell Primary School"},
	})
	if code != 201 {
		t.Fatalf("create delegation: %d %v", code, out)
	}
	submitted := out["id"].(string)
	sam := p.browser()
	p.emailLink(sam, "sam.jones@school.example")
	p.register(sam, "Sam", "Jones", "sam.jones@school.example")
	sam.ClickLink("Continue")
	sam.ClickLink("Aurora Boreo and 1 sibling")
	sam.Check("Yes")
	addRow(sam, "+ Add a row", "Row 1 has been saved", "3", "2", "2026", "Home visit by the school nurse", "Aurora Boreo")
	sam.ClickButton("Submit contribution")
	sam.ClickButton("Submit")
	sam.MustSee("Contribution submitted")

	staffPassword, err := web.NewStaff(context.Background(), p.store, "jo.worker@council.example", "Jo", "Worker", false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	jo := p.browser()
	p.firstStaffSignIn(jo, "jo.worker@council.example", staffPassword)
	welsh := func(page string) {
		t.Helper()
		var lang string
		jo.Eval(`document.documentElement.lang`, &lang)
		if lang != "cy" {
			t.Fatalf("%s: <html lang=%q>, want cy", page, lang)
		}
	}
	jo.ClickLink("Newid yr iaith i'r Gymraeg")
	welsh("staff console")
	jo.MustSee("Consol staff")
	if u, err := p.store.UserByEmail(context.Background(), "jo.worker@council.example"); err != nil || u.Lang != "cy" {
		t.Fatalf("the account does not keep Welsh: %q, %v", u.Lang, err)
	}

	// Sending a delegation: the form's titles and the console's questions and problems in Welsh.
	jo.ClickLink("Dirprwyo ffurflen")
	welsh("which form")
	jo.Check("Cronoleg Amlasiantaethol")
	jo.ClickButton("Parhau")
	welsh("delegate")
	jo.MustSee("Cronoleg ymwneud gwasanaethau")
	jo.ClickButton("Anfon at y gweithiwr proffesiynol")
	welsh("delegate with problems")
	jo.MustSee("Mae problem wedi codi")
	jo.MustSee("Rhowch gyfeiriad e-bost y gweithiwr proffesiynol")
	jo.MustSee("Rhowch enw’r gweithiwr proffesiynol")
	jo.Fill("Cyfeiriad e-bost y gweithiwr proffesiynol", "kim.lee@surgery.example")
	jo.Fill("Enw’r gweithiwr proffesiynol", "Kim Lee")
	jo.Fill("Enw’r teulu", "Teulu Boreo")
	jo.Fill("Enw (Plentyn 1)", "Aurora Boreo")
	jo.Fill("Diwrnod (Plentyn 1)", "1")
	jo.Fill("Mis (Plentyn 1)", "1")
	jo.Fill("Blwyddyn (Plentyn 1)", "2016")
	jo.ClickButton("Anfon at y gweithiwr proffesiynol")
	welsh("delegation sent")
	jo.MustSee("Dirprwyaeth")
	jo.MustSee("Anfonwyd")
	jo.MustSee("crëwyd gan jo.worker@council.example")
	p.smtp.WaitFor(t, "kim.lee@surgery.example", 10*time.Second)

	// Reading the submitted one and returning it with a comment.
	jo.Visit("/staff")
	welsh("staff console with delegations")
	jo.MustSee("Cyflwynwyd")
	jo.Visit("/staff/delegations/" + submitted)
	welsh("submitted delegation")
	jo.MustSee("Cyflwynwyd")
	jo.ClickLink("Darllen yr atebion")
	welsh("answers")
	jo.MustSee("Home visit by the school nurse")
	jo.Visit("/staff/delegations/" + submitted)
	jo.ClickLink("Ei dychwelyd gyda sylwadau ar gwestiynau neu resi penodol")
	welsh("return with comments")
	jo.ClickButton("Dychwelyd am ragor o wybodaeth")
	welsh("return with no reason")
	jo.MustSee("Rhowch y rheswm dros ei dychwelyd")
	jo.Fill("Rheswm", "Dim digon o fanylion")
	jo.Fill("Sylw", "Ychwanegwch yr ymweliadau ym mis Mawrth")
	jo.ClickButton("Dychwelyd am ragor o wybodaeth")
	welsh("returned")
	jo.MustSee("Dychwelwyd am ragor o wybodaeth")
	jo.MustSee("Ychwanegwch yr ymweliadau ym mis Mawrth")
	if n := len(jo.CheckedPages()); n < 10 {
		t.Fatalf("axe checked only %d pages", n)
	}
}
