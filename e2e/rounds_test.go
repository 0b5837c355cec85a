package e2e

import (
	"context"
	"testing"
	"time"

	"formportal/web"
)

// TestReturnWithRowCommentsAndTheDiffInTheBrowser: the council returns a submitted chronology with a
// comment on one of its rows, the professional sees it beside the row, adds a row and submits again, and
// the council's page shows what changed. axe checks every page on the way.
func TestReturnWithRowCommentsAndTheDiffInTheBrowser(t *testing.T) {
	p := startPortal(t)
	code, out := p.api("POST", "/delegations", map[string]any{
		"form": "multi-agency-chronology", "caseData": siblings(), "dueDate": "2026-12-08", "sections": []string{"chronology"},
		"professional": map[string]any{"email": "sam.jones@school.example", "name": "Sam Jones", "organisation": "Cherwell Primary School"},
	})
	if code != 201 {
		t.Fatalf("create delegation: %d %v", code, out)
	}
	id := out["id"].(string)
	sam := p.browser()
	p.emailLink(sam, "sam.jones@school.example")
	p.register(sam, "Sam", "Jones", "sam.jones@school.example")
	sam.ClickLink("Continue")
	sam.ClickLink("Aurora Boreo and 1 sibling")
	sam.Check("Yes")
	addRow(sam, "+ Add a row", "Row 1 has been saved", "3", "2", "2026", "Home visit by the school nurse", "Aurora Boreo")
	addRow(sam, "+ Add another row", "Row 2 has been saved", "10", "2", "2026", "Attendance meeting with parents", "Orion Boreo")
	sam.ClickButton("Submit contribution")
	sam.ClickButton("Submit")
	sam.MustSee("Contribution submitted")

	password, err := web.NewStaff(context.Background(), p.store, "jo.worker@council.example", "Jo", "Worker", false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	jo := p.browser()
	p.firstStaffSignIn(jo, "jo.worker@council.example", password)
	jo.Visit("/staff/delegations/" + id)
	jo.ClickLink("Return it with comments on particular questions or rows")
	jo.MustSee("Comment on Chronology of service involvement: Row 2")
	jo.Fill("Reason", "Insufficient Detail")
	jo.Fill("Comment on Chronology of service involvement: Row 2", "Who was at the meeting?")
	jo.ClickButton("Return for more information")
	jo.MustSee("Returned for more information")

	sam.Visit("/tasks")
	sam.ClickLink("Aurora Boreo and 1 sibling")
	sam.MustSee("The council asks: Who was at the meeting?")
	addRow(sam, "+ Add another row", "Row 3 has been saved", "12", "2", "2026", "Meeting with both parents and the head teacher", "Orion Boreo")
	sam.ClickButton("Submit contribution")
	sam.ClickButton("Submit")
	sam.MustSee("Contribution submitted")

	jo.Visit("/staff/delegations/" + id)
	jo.MustSee("Changes since it was returned")
	jo.MustSee("What you asked about")
	jo.MustSee("Who was at the meeting?")
	jo.MustSee("Added")
	jo.MustSee("Meeting with both parents and the head teacher")
}
