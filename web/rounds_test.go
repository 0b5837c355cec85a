package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestReturnWithCommentsOnRowsAndTheChangesAfter: the council returns a contribution with a comment on a
// question and one on a chronology row; the professional sees each beside what it is about; after they
// change the row, add another and submit again, the council's page and PDF show what changed.
func TestReturnWithCommentsOnRowsAndTheChangesAfter(t *testing.T) {
	e := newEnv(t)
	jo := e.staff("jo@council.example", false)
	jo.post("/staff/delegations/new?form=family-check", "sections", "practitioner", "sections", "chronology",
		"email", "sam@school.example", "name", "Sam Jones", "case.familyName", "Boreo",
		"case.children.0.name", "Aurora Boreo", "case.children.0.dob.day", "1", "case.children.0.dob.month", "1", "case.children.0.dob.year", "2016",
		"case.children.1.name", "Orion Boreo", "case.children.1.dob.day", "20", "case.children.1.dob.month", "5", "case.children.1.dob.year", "2018")
	id := regexp.MustCompile(`/staff/delegations/([0-9a-f]+)/retract`).FindStringSubmatch(jo.last)[1]
	sam := e.register("sam@school.example")
	page := "/tasks/" + id + "/pages/chronology"
	sam.post("/tasks/"+id+"/pages/practitioner", "name", "Sam", "phone", "01632960001", "action", "next")
	for _, ev := range []string{"Home visit", "School meeting"} {
		sam.post(page+"?field=events&row=new", "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026",
			"row.about", "c1", "row.event", ev, "action", "save-row")
	}
	sam.post(page, "action", "submit")
	sam.post("/tasks/" + id + "/submit").see("Contribution submitted")

	// Only staff may open the return page.
	sam.get("/staff/delegations/" + id + "/return").status(http.StatusNotFound)
	jo.get("/staff/delegations/"+id).see("Return it with comments on particular questions or rows").
		get("/staff/delegations/"+id+"/return").status(http.StatusOK).
		see("Return for more information", "Comment on Name of practitioner", "Comment on Chronology: Row 2", "School meeting")
	// No reason: the page comes back with what was typed kept.
	jo.post("/staff/delegations/"+id+"/return", "marking", "1", "reason", "", "mark.events[1]", "Which school was this?").
		status(http.StatusUnprocessableEntity).see("Enter the reason for returning it", "Which school was this?")
	jo.post("/staff/delegations/"+id+"/return", "marking", "1", "reason", "Insufficient Detail", "comment", "See the comments",
		"mark.events[1]", "Which school was this?", "mark.name", "Your full name, please", "mark.phone", "  ").
		see("Returned for more information")

	sam.get(page).see("The council asks:", "Which school was this?")
	if strings.Contains(sam.last, "Your full name, please") {
		t.Fatal("a comment on the practitioner page shows on the chronology page")
	}
	if i, j := strings.Index(sam.last, "School meeting"), strings.Index(sam.last, "Which school was this?"); i < 0 || j < i {
		t.Fatal("the row's comment is not beside its row")
	}
	sam.get("/tasks/"+id+"/pages/practitioner").see("The council asks:", "Your full name, please")
	if strings.Count(sam.last, "The council asks:") != 1 {
		t.Fatal("a comment left empty is shown")
	}

	// The professional answers: changes the row, adds one, gives their full name, and submits again.
	sam.post("/tasks/"+id+"/pages/practitioner", "name", "Sam Jones", "phone", "01632960001", "action", "next")
	sam.post(page+"?field=events&row=1", "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026",
		"row.about", "c1", "row.event", "Meeting at Cherwell School", "action", "save-row")
	sam.post(page+"?field=events&row=new", "row.date.day", "9", "row.date.month", "2", "row.date.year", "2026",
		"row.about", "c1", "row.event", "Follow-up call", "action", "save-row")
	sam.post(page, "action", "submit")
	sam.post("/tasks/" + id + "/submit").see("Contribution submitted")
	sam.get(page)
	if strings.Contains(sam.last, "The council asks:") {
		t.Fatal("the comments still show after submitting again")
	}

	jo.get("/staff/delegations/"+id).see("Changes since it was returned", "3 changes since it was returned",
		"What you asked about", "Chronology: Row 2", "Which school was this?", "Your full name, please",
		"Name of practitioner", "Sam", "Sam Jones", "School meeting", "Meeting at Cherwell School", "Added", "Follow-up call")
	jo.get("/staff/delegations/" + id + "/pdf").status(http.StatusOK)
	text := pdfText(t, []byte(jo.last))
	for _, want := range []string{"Changes since it was returned", "Meeting at Cherwell School", "Follow-up call", "Added", "Changed"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
}

// TestReturnAReferralWithComments: a referral returned with a comment on a question shows it on the
// reopened copy's page, and the council sees what changed when it is sent again.
func TestReturnAReferralWithComments(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "rose@example.org")
	b.post("/referrals/"+id+"/pages/concern", "categories", "neglect", "action", "next")
	b.post("/referrals/"+id+"/pages/declaration", "agree", "yes", "action", "submit")
	b.post("/referrals/" + id + "/submit").see("Form submitted")
	jo := e.staff("jo@council.example", false)
	jo.get("/staff/referrals/" + id + "/return").see("Comment on What is the concern about?")
	jo.post("/staff/referrals/"+id+"/return", "marking", "1", "reason", "Insufficient Detail", "mark.categories", "Is there physical harm too?").
		see("Returned for more information")
	copyID := regexp.MustCompile(`/staff/referrals/([0-9a-f]+)/answers`).FindStringSubmatch(jo.last)[1]
	if copyID == id {
		t.Fatal("the return did not lead to the reopened copy")
	}
	b.get("/referrals/"+copyID+"/pages/concern").see("The council asks:", "Is there physical harm too?")
	b.post("/referrals/"+copyID+"/pages/concern", "categories", "neglect", "categories", "physical", "action", "next")
	b.post("/referrals/"+copyID+"/pages/declaration", "agree", "yes", "action", "submit")
	b.post("/referrals/" + copyID + "/submit")
	jo.get("/staff/referrals/"+copyID).see("Changes since it was returned", "Is there physical harm too?", "Physical abuse")
}
