package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"formportal/casework"
)

// Next checks the page: with problems (a telephone number too short, a required answer missing) it stays,
// with the GOV.UK error summary, the answers saved all the same; without, it goes on. Section links and
// Save move or stay without checking.
func TestNextChecksThePage(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "pro@school.example")
	b := e.register("pro@school.example")
	page := "/tasks/" + id + "/pages/"
	b.get(page + "practitioner")
	b.post(page+"practitioner", "name", "Sam Jones", "phone", "01632 9600", "action", "next").status(http.StatusUnprocessableEntity).
		see("There is a problem", "Enter a telephone number, like 01632 960 001", "Practitioner")
	if !strings.Contains(b.last, `href="#phone"`) || strings.Contains(b.last, "Success") {
		t.Fatal("the error summary does not link to the question, or says Success too")
	}
	b.get(page + "practitioner")
	if !strings.Contains(b.last, `value="01632 9600"`) || !strings.Contains(b.last, `value="Sam Jones"`) {
		t.Fatal("the answers of a page that did not pass Next were not saved")
	}
	b.post(page+"practitioner", "name", "", "phone", "01632960001", "action", "next").status(http.StatusUnprocessableEntity).
		see("Enter name of practitioner")
	b.post(page+"practitioner", "name", "", "phone", "01632960001", "action", "goto:health/c1").status(http.StatusOK).see("Health", "for Aurora Boreo")
	b.post(page+"health/c1", "action", "previous").see("Chronology of service involvement")
	b.post(page+"chronology", "action", "goto:practitioner")
	b.post(page+"practitioner", "name", "", "action", "save").status(http.StatusOK).see("Your answers have been saved", "Enter name of practitioner")
	b.post(page+"practitioner", "name", "Sam Jones", "phone", "01632960001", "action", "next").status(http.StatusOK).see("Chronology of service involvement")
}

var conditionalRE = regexp.MustCompile(`(?s)<div class="govuk-(radios|checkboxes)__conditional( govuk-(?:radios|checkboxes)__conditional--hidden)?" id="([^"]+)">(.*?)</div>\s*(?:<div class="govuk-(?:radios|checkboxes)__item">|</div>\s*</fieldset>)`)

// A question that follows one choice is drawn inside it as GOV.UK's conditional reveal, hidden until
// chosen (with its "Answer this if" for pages without JavaScript); one with another condition carries
// it for the script; and the server, not the page, decides: an answer to a question whose condition
// does not hold is neither asked for nor kept.
func TestConditionalRevealServerSide(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "pro@school.example")
	b := e.register("pro@school.example")
	health := "/tasks/" + id + "/pages/health/c1"
	b.get(health)
	m := conditionalRE.FindStringSubmatch(b.last)
	if m == nil || m[1] != "radios" || m[2] == "" || !strings.Contains(m[4], `name="gp_name"`) || !strings.Contains(m[4], "Answer this if") {
		t.Fatalf("the GP's name is not revealed by a radio, hidden:\n%s", b.last[strings.Index(b.last, "registered_gp"):][:2000])
	}
	if !strings.Contains(b.last, `value="yes" data-aria-controls="`+m[3]+`"`) {
		t.Fatal("the Yes radio does not control the GP's name")
	}
	b.post(health, "registered_gp", "yes", "action", "save")
	if m := conditionalRE.FindStringSubmatch(b.last); m == nil || m[2] != "" {
		t.Fatal("with Yes chosen, the GP's name is not shown")
	}
	// Required once Yes is chosen; with No, not asked for, and a name left typed is not kept.
	b.post(health, "registered_gp", "yes", "gp_name", "", "action", "next").status(http.StatusUnprocessableEntity).see("Enter name of GP practice")
	b.post(health, "registered_gp", "no", "gp_name", "Cowley Road Surgery", "action", "next").status(http.StatusOK).see("for Orion Boreo")
	resp, err := e.store.Response(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := casework.Validate(e.app.forms.Get(resp.FormID), resp, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if kept, _ := json.Marshal(res.Submission); strings.Contains(string(kept), "Cowley Road Surgery") {
		t.Fatalf("the answer to a question that does not apply is kept: %s", kept)
	}

	// The referral: "Other" reveals its question; the risk's condition is for the script.
	r, rid := startConcern(t, e, "rose@example.org")
	concern := "/referrals/" + rid + "/pages/concern"
	r.get(concern)
	m = conditionalRE.FindStringSubmatch(r.last)
	if m == nil || m[1] != "checkboxes" || !strings.Contains(m[4], `name="other_detail"`) {
		t.Fatal("the other concern is not revealed by its checkbox")
	}
	show := regexp.MustCompile(`data-show-when="([^"]+)"`).FindStringSubmatch(r.last)
	if show == nil {
		t.Fatal("the risk's question has no condition for the script")
	}
	var cond map[string]any
	if err := json.Unmarshal([]byte(html.UnescapeString(show[1])), &cond); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(cond)
	want := `{"any":[{"equals":"high","name":"risk","type":"select"},{"all":[{"greaterThan":4,"name":"children_count","type":"number"},{"not":{"contains":"other","name":"categories","type":"checkboxes"}}]}]}`
	if string(got) != want {
		t.Fatalf("the risk's condition for the script:\n got %s\nwant %s", got, want)
	}
	// The server judges: with low risk and two children, the risk's details are not asked for.
	r.post(concern, "categories", "neglect", "risk", "low", "children_count", "2", "risk_detail", "", "action", "next").status(http.StatusOK)
	r.post(concern, "categories", "neglect", "risk", "high", "children_count", "2", "risk_detail", "", "action", "next").
		status(http.StatusUnprocessableEntity).see("Enter details of the risk")
}
