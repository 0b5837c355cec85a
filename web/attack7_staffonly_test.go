package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"formportal/casework"
	"formportal/forms"
	"formportal/store"
)

// A staff-only question in a section repeated for a list's items is answered for each item, which the
// console's one page of staff answers cannot do: it must not offer it as one answer for the whole form
// (kept where no item's section reads it, so staff's answer was lost from the submission).
func TestAttack7StaffOnlyQuestionInARepeatedSectionIsNotAskedOnce(t *testing.T) {
	data, err := os.ReadFile("../testdata/valid/repeat/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	anchor := "      - { id: worries, type: textarea, label: What are you worried about?, name: what you are worried about, required: true }\n"
	if !strings.Contains(string(data), anchor) {
		t.Fatal("the fixture has changed")
	}
	text := strings.Replace(string(data), anchor, anchor+"      - { id: sw_note, type: textarea, label: Social worker note, visibleTo: staff }\n", 1)
	lib, err := forms.LoadFrom(fstest.MapFS{"repeat.yaml": {Data: []byte(text)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	form := lib.Get("children-and-agencies")
	for _, fd := range casework.StaffAnswerable(form) {
		if fd.ID == "sw_note" {
			t.Fatal("the console asks a repeated section's staff-only question once for the whole form")
		}
	}
	if len(staffSections(form)) != 0 {
		t.Fatal("the console draws a page of staff answers for a form with none it can take")
	}
}

// Returned for more information, then resubmitted: while it is returned the professional's every page
// (each route, the print view, the PDF, check answers, the task list) still shows nothing of the
// staff-only answers, a crafted post still writes none, and the resubmission keeps staff's answers for
// the case system.
func TestAttack7StaffOnlyAnswersThroughAReturn(t *testing.T) {
	e, key, id := staffOnlyDelegation(t)
	staff := e.newStaffUser("worker@council.example", store.RoleStaff)
	staffPage := "/staff/delegations/" + id + "/staff-answers"
	staff.get(staffPage).postMultipart(staffPage, "manager_decision", staffDecision).status(http.StatusOK)

	b := e.register("pro@school.example")
	page := "/tasks/" + id + "/pages/"
	b.get(page+"practitioner").post(page+"practitioner", "name", "Sam Jones", "phone", "01632960001", "action", "save")
	b.post(page+"chronology", "action", "add:events")
	b.post(page+"chronology?field=events&row=new", "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026", "row.event", "Home visit", "action", "save-row")
	b.get(page+"health/c1").post(page+"health/c1", "registered_gp", "no", "action", "next")
	b.post(page+"health/c2", "registered_gp", "no", "action", "save")
	b.get("/tasks/" + id + "/submit").post("/tasks/" + id + "/submit").see("Contribution submitted")

	if code, out := e.api(key, "POST", "/delegations/"+id+"/return", map[string]any{"reason": "Insufficient Detail",
		"marks": []map[string]any{{"path": "name", "comment": "Give your full name"}}}); code != http.StatusOK {
		t.Fatalf("return: %d %v", code, out)
	}
	b.get("/tasks")
	fx := &fixture{task: id, taskPage: "practitioner", referralPage: "you", formID: "concern", taskFile: "none", reply: "none"}
	var paths []string
	for _, rt := range e.routes() {
		if rt.method == http.MethodGet && !strings.HasPrefix(rt.pattern, "/staff") && !strings.HasPrefix(rt.pattern, "/api/") {
			paths = append(paths, fx.path(rt.pattern))
		}
	}
	paths = append(paths, page+"practitioner", page+"chronology", page+"chronology?field=events&row=0", page+"chronology?field=events&row=0&part=row",
		page+"health/c1", "/tasks/"+id+"/print", "/tasks/"+id+"/pdf", "/tasks/"+id+"/submit", "/tasks/"+id+"/submit?check=1")
	for _, p := range paths {
		if _, s := leaksAt(t, b, p, strings.HasSuffix(p, "/pdf")); s != "" {
			t.Errorf("returned: GET %s shows the professional %q", p, s)
		}
	}
	b.get(page + "practitioner").see("Give your full name")
	b.postRaw(page+"practitioner", url.Values{"csrf_token": {b.csrf()}, "name": {"Sam Jones-Smith"}, "phone": {"01632960001"},
		"manager_decision": {"EVIL-DECISION"}, "council_note": {"EVIL-NOTE"}, "action": {"save"}}, nil)
	b.get("/tasks/" + id + "/submit")
	b.post("/tasks/" + id + "/submit").see("Contribution submitted")
	_, sub := e.api(key, "GET", "/delegations/"+id+"/submission", nil)
	raw, _ := json.Marshal(sub)
	if !strings.Contains(string(raw), "STAFF-DECISION-9Z") || !strings.Contains(string(raw), "STAFF-NOTE-7Q") || strings.Contains(string(raw), "EVIL") {
		t.Errorf("the resubmission lost staff's answers, or took the professional's: %s", raw)
	}
	staff.get("/staff/delegations/" + id).status(http.StatusOK)
}
