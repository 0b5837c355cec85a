package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"formportal/apikey"
	"formportal/casework"
	"formportal/forms"
	"formportal/store"
)

// The secrets of the staff-only answers: the note the case system sends for staff, and the manager's
// decision staff enter.
const (
	staffNote     = "STAFF-NOTE-7Q known to the police"
	staffDecision = "STAFF-DECISION-9Z strategy discussion"
)

// staffOnlyForms are the web fixtures with a note from the case record only staff see, prefilled, and a
// staff-only section with the manager's decision.
func staffOnlyForms(t *testing.T) *forms.Library {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, edits := range map[string][][2]string{
		"family": {
			{"    familyName: { type: string }\n", "    familyName: { type: string }\n    caseNote: { type: string }\n"},
			{"prefill: familyName, readOnly: true }\n", "prefill: familyName, readOnly: true }\n" +
				"      - { id: council_note, type: textarea, label: Council note for the manager, prefill: caseNote, readOnly: true, visibleTo: staff }\n"},
		},
		"referral": {},
	} {
		data, err := os.ReadFile("../testdata/valid/" + name + "/form.yaml")
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		for _, e := range edits {
			if !strings.Contains(s, e[0]) {
				t.Fatalf("%s: no %q to change", name, e[0])
			}
			s = strings.Replace(s, e[0], e[1], 1)
		}
		s += "  - id: manager\n    title: Manager's decision\n    visibleTo: staff\n    fields:\n" +
			"      - { id: manager_decision, type: textarea, label: Manager's decision, required: true }\n"
		fsys[name+".yaml"] = &fstest.MapFile{Data: []byte(s)}
	}
	lib, err := forms.LoadFrom(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// setStaffAnswer puts a staff-only answer straight into a response's stored answers (a referral's draft,
// which the console cannot reach): whatever put it there, the person's pages must not show it.
func setStaffAnswer(t *testing.T, e *env, id, field, value string) {
	t.Helper()
	_, err := e.app.work.SaveDraft(context.Background(), id, "worker@council.example", func(cur *store.Response) (casework.Edit, error) {
		var a map[string]any
		if err := json.Unmarshal(cur.Answers, &a); err != nil || a == nil {
			a = map[string]any{}
		}
		vals, _ := a["values"].(map[string]any)
		if vals == nil {
			vals = map[string]any{}
		}
		vals[field] = value
		a["values"] = vals
		b, err := json.Marshal(a)
		return casework.Edit{Answers: b}, err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// leaks reports a page that shows a professional anything of the staff-only answers.
func leaks(body string) string {
	for _, s := range []string{"STAFF-NOTE-7Q", "STAFF-DECISION-9Z", "Council note for the manager", "Manager&#39;s decision", "Manager's decision", "manager_decision", "council_note"} {
		if strings.Contains(body, s) {
			return s
		}
	}
	return ""
}

// leaksAt fetches p as b: the response, and what of the staff-only answers it shows (read as a PDF's
// text where pdf says so and it answers 200, as a PDF's text is compressed).
func leaksAt(t *testing.T, b *browser, p string, pdf bool) (asvsResp, string) {
	t.Helper()
	r := b.send(http.MethodGet, p, nil, nil)
	text := r.body
	if pdf && r.code == http.StatusOK {
		text = pdfText(t, []byte(r.body))
	}
	return r, leaks(text)
}

// staffOnlyDelegation serves the staff-only forms with a task of them delegated to pro@school.example,
// the case system's note for staff in its case data: the case system's API key and the task's id.
func staffOnlyDelegation(t *testing.T) (e *env, key, id string) {
	t.Helper()
	e = newEnvWith(t, func(_ *Config, o *Options) { o.Forms = staffOnlyForms(t) })
	_, key, err := apikey.New(context.Background(), e.store, apikey.Spec{Name: "lcs"}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	body := newDelegation("pro@school.example")
	body["caseData"].(map[string]any)["caseNote"] = staffNote
	code, out := e.api(key, "POST", "/delegations", body)
	if code != http.StatusCreated {
		t.Fatalf("create delegation: %d %v", code, out)
	}
	return e, key, out["id"].(string)
}

// The attack: a professional with a task whose form has answers only staff see fetches every route of
// their portal for it, and posts answers to the staff-only questions. They never receive the staff's
// text, its question or its value, and what they post is never stored; staff and the case system see it.
func TestStaffOnlyAnswersNeverReachTheProfessional(t *testing.T) {
	e, key, id := staffOnlyDelegation(t)
	// Staff answer their question in the console while the professional works: a required answer
	// missing is refused with its message, and what they typed is kept.
	staff := e.newStaffUser("worker@council.example", store.RoleStaff)
	staffPage := "/staff/delegations/" + id + "/staff-answers"
	staff.get("/staff/delegations/" + id).see("Staff answers")
	staff.get(staffPage).status(http.StatusOK).see("Manager's decision", "Only council staff see these questions")
	staff.postMultipart(staffPage, "manager_decision", "").status(http.StatusUnprocessableEntity).see("There is a problem", "Enter manager's decision")
	staff.postMultipart(staffPage, "manager_decision", staffDecision, "council_note", "typed over the case record").status(http.StatusOK)
	staff.get(staffPage).see(staffDecision)

	b := e.register("pro@school.example")
	walk := func(when string) {
		t.Helper()
		b.get("/tasks")
		fx := &fixture{task: id, taskPage: "practitioner", referralPage: "you", formID: "concern", taskFile: "none", reply: "none"}
		for _, rt := range e.routes() {
			if rt.method != http.MethodGet || strings.HasPrefix(rt.pattern, "/staff") || strings.HasPrefix(rt.pattern, "/api/") {
				continue
			}
			p := fx.path(rt.pattern)
			r := b.send(http.MethodGet, p, nil, nil)
			if s := leaks(r.body); s != "" {
				t.Errorf("%s: GET %s shows the professional %q", when, p, s)
			}
		}
		for _, p := range []string{"/forms/family-check/blank.pdf", "/tasks/" + id + "/pages/chronology", "/tasks/" + id + "/pages/health/c1", "/tasks/" + id + "/pages/documents",
			"/tasks/" + id + "/pages/manager", "/tasks/" + id + "/print", "/tasks/" + id + "/pdf", "/tasks/" + id + "/submit", "/submitted"} {
			r := b.send(http.MethodGet, p, nil, nil)
			text := r.body
			if strings.HasSuffix(p, "pdf") {
				if r.code != http.StatusOK {
					t.Fatalf("%s: GET %s: %d", when, p, r.code)
				}
				text = pdfText(t, []byte(r.body)) // its text is compressed
			}
			if s := leaks(text); s != "" {
				t.Errorf("%s: GET %s shows the professional %q", when, p, s)
			}
			if strings.HasSuffix(p, "/manager") && r.code != http.StatusNotFound {
				t.Errorf("%s: the staff-only page answers the professional with %d, want 404", when, r.code)
			}
		}
	}
	walk("before answering")

	// Crafted posts: the staff-only questions as fields of a page, and the staff-only page itself.
	page := "/tasks/" + id + "/pages/"
	b.get(page + "practitioner")
	b.postRaw(page+"practitioner", url.Values{"csrf_token": {b.csrf()}, "name": {"Sam Jones"}, "phone": {"01632960001"},
		"council_note": {"EVIL-NOTE"}, "manager_decision": {"EVIL-DECISION"}, "action": {"save"}}, nil).see("Your answers have been saved")
	if r := b.send(http.MethodPost, page+"manager", strings.NewReader(url.Values{"csrf_token": {b.csrf()}, "manager_decision": {"EVIL-DECISION"}, "action": {"save"}}.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}); r.code != http.StatusNotFound {
		t.Errorf("posting the staff-only page: %d, want 404", r.code)
	}
	resp, err := e.store.Response(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(resp.Answers); strings.Contains(s, "EVIL") || !strings.Contains(s, "STAFF-DECISION-9Z") {
		t.Fatalf("a professional's post changed a staff-only answer: %s", s)
	}

	// The professional submits without the staff-only questions, though the manager's decision is required.
	b.post(page+"chronology", "action", "add:events")
	b.post(page+"chronology?field=events&row=new", "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026", "row.event", "Home visit", "action", "save-row").
		see("Row 1 has been saved")
	b.get(page + "health/c1")
	b.post(page+"health/c1", "registered_gp", "no", "action", "next")
	b.post(page+"health/c2", "registered_gp", "no", "action", "save")
	b.get("/tasks/" + id + "/submit")
	b.post("/tasks/" + id + "/submit").see("Contribution submitted")
	walk("after submitting")

	// Staff and the case system see both: the note worked out from the case data, the decision as stored.
	staff.get("/staff/delegations/"+id+"/answers").see("Manager's decision", "STAFF-DECISION-9Z", "Council note for the manager", "STAFF-NOTE-7Q")
	staff.get("/staff/delegations/" + id + "/pdf").status(http.StatusOK)
	if text := pdfText(t, []byte(staff.last)); !strings.Contains(text, "STAFF-DECISION-9Z") || !strings.Contains(text, "STAFF-NOTE-7Q") {
		t.Errorf("the staff PDF lacks the staff-only answers:\n%s", text)
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/delegations/"+id+"/pdf", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	apiPDF, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if text := pdfText(t, apiPDF); !strings.Contains(text, "STAFF-DECISION-9Z") {
		t.Errorf("the case system's PDF lacks the staff-only answers:\n%s", text)
	}
	_, sub := e.api(key, "GET", "/delegations/"+id+"/submission", nil)
	raw, _ := json.Marshal(sub)
	if !strings.Contains(string(raw), "STAFF-DECISION-9Z") || !strings.Contains(string(raw), "STAFF-NOTE-7Q") || strings.Contains(string(raw), "typed over") {
		t.Errorf("the case system's submission lacks the staff-only answers, or has one typed over a read-only one: %s", raw)
	}

	// After the submission staff change their answer: the submission the case system reads follows.
	staff.get(staffPage).postMultipart(staffPage, "manager_decision", "STAFF-DECISION-9Z changed to an assessment").status(http.StatusOK)
	_, sub = e.api(key, "GET", "/delegations/"+id+"/submission", nil)
	if raw, _ := json.Marshal(sub); !strings.Contains(string(raw), "changed to an assessment") {
		t.Errorf("the submission does not have staff's new answer: %s", raw)
	}
	walk("after staff changed their answer")

	// Returned for more information, no comment may be on a staff-only question: the professional reads them.
	code, _ := e.api(key, "POST", "/delegations/"+id+"/return", map[string]any{"reason": "Insufficient Detail",
		"marks": []map[string]any{{"path": "manager_decision", "comment": "STAFF-DECISION-9Z"}}})
	if code != http.StatusBadRequest {
		t.Errorf("a return commenting on a staff-only question: %d, want 400", code)
	}
	staff.get("/staff/delegations/" + id + "/return").status(http.StatusOK)
	if strings.Contains(staff.last, "manager_decision") {
		t.Error("the return page offers a comment on a staff-only question")
	}
}

// postMultipart posts fields as a browser posts a page's form: multipart, with the page's CSRF token.
func (b *browser) postMultipart(path string, fields ...string) *browser {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", b.csrf())
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// A member of the public making a referral whose form has a staff-only section never meets it: not on
// the overview, its pages, the check-answers page, the print view or their PDF, and cannot post to it.
func TestStaffOnlySectionNeverReachesTheReferrer(t *testing.T) {
	e := newEnvWith(t, func(_ *Config, o *Options) { o.Forms = staffOnlyForms(t) })
	b, rid := startConcern(t, e, "rose@example.org")
	setStaffAnswer(t, e, rid, "manager_decision", staffDecision)
	base := "/referrals/" + rid
	for _, p := range []string{"/referrals/new/concern?as=public", "/forms/concern/blank.pdf", base, base + "/pages/you", base + "/pages/concern",
		base + "/pages/declaration", base + "/submit", base + "/print", base + "/pdf", base + "/pages/manager"} {
		r, s := leaksAt(t, b, p, strings.HasSuffix(p, "pdf"))
		if s != "" {
			t.Errorf("GET %s shows the referrer %q", p, s)
		}
		if strings.HasSuffix(p, "/manager") && r.code != http.StatusNotFound {
			t.Errorf("the staff-only page answers the referrer with %d, want 404", r.code)
		}
	}
	b.get(base + "/pages/you")
	if r := b.send(http.MethodPost, base+"/pages/manager", strings.NewReader(url.Values{"csrf_token": {b.csrf()}, "manager_decision": {"EVIL"}, "action": {"save"}}.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}); r.code != http.StatusNotFound {
		t.Errorf("posting the staff-only page: %d, want 404", r.code)
	}
	if resp, _ := e.store.Response(context.Background(), rid); strings.Contains(string(resp.Answers), "EVIL") {
		t.Errorf("the referrer's post was stored: %s", resp.Answers)
	}
}
