package web

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"formportal/engine"
	"formportal/forms"
)

// repeatForms is the fixture with a list inside a list (each household member's agencies) and a section
// repeated for each child typed into a list, as a referral open to the public.
func repeatForms(t *testing.T) *forms.Library {
	t.Helper()
	data, err := os.ReadFile("../testdata/valid/repeat/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "audience: [professional]", "audience: [professional, public]", 1)
	lib, err := forms.LoadFrom(fstest.MapFS{"repeat.yaml": {Data: []byte(text)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// startRepeat registers a member of the public and starts the fixture's referral: the browser and the
// referral's pages' address.
func startRepeat(t *testing.T, e *env, email string) (*browser, string, string) {
	t.Helper()
	e.useForms(repeatForms(t))
	b := e.register(email)
	b.get("/referrals/new/children-and-agencies?as=public").status(http.StatusOK)
	b.post("/referrals/new/children-and-agencies?as=public").status(http.StatusOK).see("The family")
	m := regexp.MustCompile(`action="/referrals/([0-9a-f]+)/pages/family"`).FindStringSubmatch(b.last)
	if m == nil {
		t.Fatalf("the referral does not start on its family page:\n%s", htmlText(b.last))
	}
	return b, m[1], "/referrals/" + m[1] + "/pages/"
}

// postRowParts posts a row page's answers as a browser does (multipart, with the page's hidden inputs).
func (b *browser) postRowParts(path string, fields ...string) *browser {
	b.e.t.Helper()
	parts := []formPart{{name: "csrf_token", value: b.csrf()}}
	for _, name := range []string{"draft-version", "row-hash", "outer-hash"} {
		if m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(b.last); m != nil {
			parts = append(parts, formPart{name: name, value: m[1]})
		}
	}
	for i := 0; i+1 < len(fields); i += 2 {
		parts = append(parts, formPart{name: fields[i], value: fields[i+1]})
	}
	return b.postParts(path, parts)
}

func storedDraft(t *testing.T, e *env, id string) engine.Answers {
	t.Helper()
	resp, err := e.store.Response(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var a engine.Answers
	if err := json.Unmarshal(resp.Answers, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestListInsideAList: a household member's agencies are added, changed and removed on pages of their
// own from the member's page, each a real submit; every level keeps its maximum, problems name both
// levels, and crafted addresses and posts (a deeper list, an index out of range) change nothing.
func TestListInsideAList(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id, pages := startRepeat(t, e, "rose@example.org")
	member := pages + "family?field=household&row="

	b.post(pages+"family", "action", "add:household").status(http.StatusOK).see("Add a household member", "Agencies involved", "No agencies added yet")
	// Adding an agency to a member not yet typed in asks for the member first; nothing is saved.
	b.postRowParts(member+"new", "action", "add:agencies").status(http.StatusUnprocessableEntity).
		see("Answer the questions about this household member before you add to agencies involved")
	if got := storedDraft(t, e, id).Values["household"]; got != nil {
		t.Fatalf("a blank member was saved: %v", got)
	}
	// The member is saved as typed, then the agency's own page opens.
	b.postRowParts(member+"new", "row.name", "Jo Smith", "action", "add:agencies").status(http.StatusOK).see("Add an agency", "Household member 1")
	b.postRowParts(member+"0&sub=agencies&subrow=new", "row.name", "Police", "row.role", "PC", "row.contact", "01632 960001", "action", "save-add").
		status(http.StatusOK).see("Add an agency")
	// A problem names both levels, and what was typed is kept.
	b.postRowParts(member+"0&sub=agencies&subrow=new", "row.role", "Social worker", "action", "save-row").
		status(http.StatusUnprocessableEntity).see("Enter the agency name for agency 2 of household member 1", "Social worker")
	b.postRowParts(member+"0&sub=agencies&subrow=1", "row.name", "Children's services", "row.role", "Social worker", "action", "save-row").
		status(http.StatusOK).see("Jo Smith", "Police", "Children's services")
	b.postRowParts(member+"0&sub=agencies&subrow=new", "row.name", "School", "action", "save-row").status(http.StatusOK)
	// Three agencies is the most: the page offers no more, and a crafted one is refused, not saved.
	b.get(member + "0").see("You have added 3 agencies, the most this can hold")
	b.postRowParts(member+"0&sub=agencies&subrow=new", "row.name", "GP", "action", "save-row").
		status(http.StatusUnprocessableEntity).see("You can add up to 3 agencies")
	// Saving the member keeps the agencies, which its page does not post.
	b.get(member+"0").postRowParts(member+"0", "row.name", "Jo Smith-Jones", "action", "save-row").status(http.StatusOK).see("Jo Smith-Jones")
	// Remove the second agency from the member's page.
	b.get(member + "0")
	remove := b.removeAction("agencies", 1)
	b.postRowParts(member+"0", "row.name", "Jo Smith-Jones", "action", remove).status(http.StatusOK)
	household, _ := storedDraft(t, e, id).Values["household"].([]any)
	if len(household) != 1 {
		t.Fatalf("household = %v", household)
	}
	agencies, _ := household[0].(map[string]any)["agencies"].([]any)
	var names []string
	for _, a := range agencies {
		names = append(names, a.(map[string]any)["name"].(string))
	}
	if strings.Join(names, ",") != "Police,School" || household[0].(map[string]any)["name"] != "Jo Smith-Jones" {
		t.Fatalf("stored member = %v", household[0])
	}

	// Crafted: a deeper list, a field that is no list, a negative index, a button naming no list: 400,
	// nothing saved. An agency removed meanwhile (an index past the end) goes back to the member.
	before := storedDraft(t, e, id)
	b.get(member + "0")
	for _, path := range []string{member + "0&sub=workers&subrow=new", member + "0&sub=name&subrow=new", member + "0&sub=agencies&subrow=-1",
		member + "new&sub=agencies&subrow=new"} {
		b.get(path).status(http.StatusBadRequest).see("That list cannot be changed here")
		b.get(member+"0").postRowParts(path, "row.name", "Crafted", "action", "save-row").status(http.StatusBadRequest)
	}
	b.get(member+"0").postRowParts(member+"0", "row.name", "Jo Smith-Jones", "action", "add:agencies.workers").status(http.StatusBadRequest)
	b.get(member+"0").postRowParts(member+"0", "row.name", "Jo Smith-Jones", "action", "edit:agencies:x").status(http.StatusBadRequest)
	b.get(member+"0&sub=agencies&subrow=99").status(http.StatusOK).see("Jo Smith-Jones", "Police")
	// Removing an agency past the end (or one changed since it was drawn) removes nothing, and says so.
	b.get(member+"0").postRowParts(member+"0", "row.name", "Jo Smith-Jones", "action", "remove:agencies:99:0123456789abcdef01234567").
		status(http.StatusConflict).see("Jo Smith-Jones")
	after := storedDraft(t, e, id)
	if a, _ := json.Marshal(after.Values); string(a) != mustJSON(t, before.Values) {
		t.Fatalf("a crafted post changed the draft:\n%s\n%s", mustJSON(t, before.Values), a)
	}

	// The form page and check-answers show the agencies inside their member.
	b.get(pages+"family").see("Jo Smith-Jones", "Police", "School")
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var childTitleRE = regexp.MustCompile(`goto:about_child/(i[0-9a-f]{16})`)

// TestSectionRepeatedForEachChildTyped: six children typed in (the list's maximum), each with an "About"
// page of its own titled from the child, answered with long answers as a browser posts them; a seventh is
// refused; a child removed takes its answers with it, and its page goes; another draft's child is not a
// page of this one.
func TestSectionRepeatedForEachChildTyped(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id, pages := startRepeat(t, e, "rose@example.org")
	names := []string{"Amy", "Ben", "Cara", "Dev", "Ena", "Finn"}
	for _, n := range names {
		b.get(pages+"family?field=children&row=new").postRowParts(pages+"family?field=children&row=new",
			"row.first_name", n, "row.last_name", "Smith", "row.dob.day", "2", "row.dob.month", "4", "row.dob.year", "2019", "action", "save-row").status(http.StatusOK)
	}
	b.get(pages + "family").see("You have added 6 children, the most this can hold")
	b.post(pages+"family", "action", "add:children").see("You can add up to 6 children")
	b.get(pages+"family?field=children&row=new").postRowParts(pages+"family?field=children&row=new", "row.first_name", "Gus", "row.last_name", "Smith", "action", "save-row").
		status(http.StatusUnprocessableEntity).see("You can add up to 6 children")

	draft := storedDraft(t, e, id)
	children, _ := draft.Values["children"].([]any)
	if len(children) != 6 {
		t.Fatalf("stored children = %v", children)
	}
	ids := make([]string, len(children))
	for i, c := range children {
		ids[i] = engine.ItemID(c.(map[string]any))
		if !regexp.MustCompile(`^i[0-9a-f]{16}$`).MatchString(ids[i]) {
			t.Fatalf("child %d has no item id: %v", i, c)
		}
	}
	// Each child's page is in the task list, titled from the child.
	b.get(pages + "family")
	for _, n := range names {
		b.see("About " + n + " Smith")
	}
	if got := len(childTitleRE.FindAllString(b.last, -1)); got < 6 {
		t.Fatalf("the task list links %d children's pages, want 6", got)
	}
	long := strings.Repeat("She said she was hungry again and had no coat. ", 80) // about 3,800 characters
	for i, cid := range ids {
		b.get(pages+"about_child/"+cid).status(http.StatusOK).see("About "+names[i]+" Smith").
			postRowParts(pages+"about_child/"+cid, "school", names[i]+"'s school", "worries", long, "action", "save").status(http.StatusOK)
	}
	// A problem on a child's page is named by the child.
	b.get(pages+"about_child/"+ids[2]).postRowParts(pages+"about_child/"+ids[2], "school", "", "worries", "x", "action", "next").
		status(http.StatusUnprocessableEntity).see("Enter the school or nursery for Cara Smith")

	// Another person's draft: their child's page is not a page of this referral, nor theirs of ours.
	other, _, otherPages := startRepeat(t, e, "sam@example.org")
	other.get(otherPages+"family?field=children&row=new").postRowParts(otherPages+"family?field=children&row=new",
		"row.first_name", "Zoe", "row.last_name", "Other", "action", "save-row").status(http.StatusOK)
	theirs := childTitleRE.FindStringSubmatch(other.get(otherPages + "family").last)
	if theirs == nil {
		t.Fatalf("the other referral has no child's page:\n%s", htmlText(other.last))
	}
	b.get(pages + "about_child/" + theirs[1]).status(http.StatusNotFound)
	other.get(otherPages + "about_child/" + ids[0]).status(http.StatusNotFound)
	b.get(pages + "family")
	b.postRowParts(pages+"about_child/"+theirs[1], "school", "Crafted", "action", "save").status(http.StatusNotFound)

	// Remove Ben: his page goes, and his answers are not kept anywhere in the draft.
	b.get(pages + "family")
	b.post(pages+"family", "action", b.removeAction("children", 1)).status(http.StatusOK).see("Child 2 has been removed")
	if strings.Contains(b.last, "About Ben Smith") {
		t.Fatalf("the removed child's page is still listed")
	}
	b.get(pages + "about_child/" + ids[1]).status(http.StatusNotFound)
	resp, err := e.store.Response(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(resp.Answers), ids[1]) || strings.Contains(string(resp.Answers), "Ben's school") {
		t.Fatalf("the removed child's answers are still in the draft: %s", resp.Answers)
	}
	if got := storedDraft(t, e, id).Children[ids[0]]["school"]; got != "Amy's school" {
		t.Fatalf("Amy's answers went with Ben's: %v", got)
	}

	// Check answers and the print view show each child's section by the child's name.
	b.get("/referrals/"+id+"/submit").see("About Amy Smith", "Amy's school", "About Finn Smith")
	b.get("/referrals/"+id+"/print").status(http.StatusOK).see("About Amy Smith", "Amy's school")
	if strings.Contains(b.last, "About Ben Smith") {
		t.Fatalf("the print view shows the removed child")
	}
}

// TestRefusedItemLinksToTheDayOfItsDate: when a row page is refused as a whole (a list's item before it
// is typed in, an item of a list inside a list past the list's most), the error summary links to its first
// question; when that is a date, to the date's day input, as GOV.UK's date input does, so the link
// focuses a field. Field problems on the same pages link to the day too.
func TestRefusedItemLinksToTheDayOfItsDate(t *testing.T) {
	e, _ := newDelegationEnv(t)
	data, err := os.ReadFile("../testdata/valid/repeat/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "audience: [professional]", "audience: [professional, public]", 1)
	// A date first in a household member, and in each of their agencies.
	text = strings.Replace(text, "          - { id: name, type: text, label: Full name, required: true, sensitive: true }\n",
		"          - { id: moved_in, type: date, label: Date moved in }\n          - { id: name, type: text, label: Full name, required: true, sensitive: true }\n", 1)
	text = strings.Replace(text, "              - { id: name, type: text, label: Agency name, name: the agency name, required: true }\n",
		"              - { id: since, type: date, label: Involved since, notInFuture: true }\n              - { id: name, type: text, label: Agency name, name: the agency name, required: true }\n", 1)
	lib, err := forms.LoadFrom(fstest.MapFS{"repeat.yaml": {Data: []byte(text)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	e.useForms(lib)
	b := e.register("rose@example.org")
	b.get("/referrals/new/children-and-agencies?as=public")
	b.post("/referrals/new/children-and-agencies?as=public").see("The family")
	m := regexp.MustCompile(`action="(/referrals/[0-9a-f]+/pages/)family"`).FindStringSubmatch(b.last)
	if m == nil {
		t.Fatalf("the referral does not start on its family page:\n%s", htmlText(b.last))
	}
	member := m[1] + "family?field=household&row="
	linksToDay := func(what, date string) { t.Helper(); b.summaryLinksToDay(what, date) }

	b.post(m[1]+"family", "action", "add:household").status(http.StatusOK)
	b.postRowParts(member+"new", "action", "add:agencies").status(http.StatusUnprocessableEntity).
		see("Answer the questions about this household member before you add to agencies involved")
	linksToDay("a household member asked for first", "moved_in")

	b.postRowParts(member+"new", "row.name", "Jo Smith", "action", "add:agencies").status(http.StatusOK).see("Add an agency")
	agency := member + "0&sub=agencies&subrow=new"
	b.postRowParts(agency, "row.since.day", "40", "row.since.month", "1", "row.since.year", "2025", "row.name", "Police", "action", "save-row").
		status(http.StatusUnprocessableEntity)
	linksToDay("an agency's wrong date", "since")
	for _, name := range []string{"School", "GP"} { // the agency with the wrong date is kept as typed, the first of three
		b.get(agency).postRowParts(agency, "row.name", name, "action", "save-row").status(http.StatusOK)
	}
	b.get(member+"0").postRowParts(agency, "row.name", "Housing", "action", "save-row").
		status(http.StatusUnprocessableEntity).see("You can add up to 3 agencies")
	linksToDay("a fourth agency refused", "since")
}

// TestPageErrorLinksToTheDayOfItsDate: on a form's own page too, a date's problem links to its day input.
func TestPageErrorLinksToTheDayOfItsDate(t *testing.T) {
	e, key := newDelegationEnv(t)
	id := e.delegate(key, "pro@school.example")
	b := e.register("pro@school.example")
	page := "/tasks/" + id + "/pages/health/c1"
	b.get(page).post(page, "registered_gp", "no", "last_check.day", "1", "last_check.month", "13", "last_check.year", "2025", "action", "save").
		see("There is a problem")
	b.summaryLinksToDay("a form page's wrong date", "last_check")
}

// summaryLinksToDay fails the test unless the page's error summary first links to the day input of the date
// whose id has date in it.
func (b *browser) summaryLinksToDay(what, date string) {
	b.e.t.Helper()
	got := regexp.MustCompile(`govuk-error-summary__list"><li><a href="#([^"]+)"`).FindStringSubmatch(b.last)
	if got == nil || !strings.HasSuffix(got[1], "-day") || !strings.Contains(b.last, `id="`+got[1]+`"`) || !strings.Contains(got[1], date) {
		b.e.t.Errorf("%s: the error summary's link is %v, not to the day input of %s", what, got, date)
	}
}
