package e2e

import (
	"context"
	"testing"
	"time"

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
	p.login(jo, "jo.worker@council.example", password)
	jo.Visit("/staff")
	jo.ClickLink("Delegate a form")
	jo.Check("Multi-Agency Chronology")
	jo.ClickButton("Continue")
	jo.Fill("Professional's email address", "sam.jones@school.example")
	jo.Fill("Professional's name", "Sam Jones")
	jo.Fill("Family name", "Boreo family")
	jo.Fill("Name (Child 1)", "Aurora Boreo")
	jo.Fill("Date of birth (Child 1)", "2016-01-01")
	jo.Fill("Name (Child 2)", "Orion Boreo")
	jo.Fill("Date of birth (Child 2)", "2018-05-20")
	jo.ClickButton("Send to the professional")
	jo.MustSee("Aurora Boreo and 1 sibling")
	jo.MustSee("Sent")
	p.smtp.WaitFor(t, "sam.jones@school.example", 10*time.Second)

	jo.Fill("Reason for retracting", "Sent to the wrong school")
	jo.ClickButton("Retract")
	jo.MustSee("Retracted")
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
