package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"formportal/store"
)

// V5.1.2: a posted page sets only the page's own answerable fields: not read-only case data, not fields
// of other pages, not attachments.
func TestASVS_V5_1_2_NoMassAssignmentThroughFormPages(t *testing.T) {
	fx := newFixture(t)
	b := fx.owner
	page := "/tasks/" + fx.task + "/pages/practitioner"
	b.get(page)
	b.post(page, "name", "Sam Jones", "family_name", "Hacked", "children_list.rows", "1", "children_list[0].name", "Injected Child",
		"registered_gp", "yes", "events.rows", "1", "events[0].event", "Injected event",
		"files", `[{"id":"x","kind":"pdf","name":"evil","size":1}]`, "action", "save")
	resp, err := fx.e.store.Response(context.Background(), fx.task)
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Values   map[string]any            `json:"values"`
		Children map[string]map[string]any `json:"children"`
	}
	json.Unmarshal(resp.Answers, &ans)
	// Read-only answers are not kept in the draft at all: they are shown from the case data.
	if v, ok := ans.Values["family_name"]; ok && v != "Boreo" {
		t.Errorf("a read-only field was overwritten: %v", v)
	}
	if s := fmt.Sprint(ans.Values["children_list"]); strings.Contains(s, "Injected") {
		t.Errorf("read-only children were overwritten: %s", s)
	}
	if _, ok := ans.Values["registered_gp"]; ok {
		t.Error("a field of another page was set")
	}
	if s := fmt.Sprint(ans.Values["events"]); strings.Contains(s, "Injected") {
		t.Error("a table of another page was set")
	}
	if files, _ := ans.Values["files"].([]any); len(files) != 1 {
		t.Errorf("the attachments list was set by a post: %v", ans.Values["files"])
	}
	if ans.Values["name"] != "Sam Jones" {
		t.Errorf("the page's own field was not saved: %v", ans.Values["name"])
	}
	b.get(page).see("Boreo")
	if strings.Contains(b.last, "Hacked") || strings.Contains(b.last, "Injected") {
		t.Error("the page shows posted read-only values")
	}
}

// V5.1.5: redirects after sign-in go only to the portal's own paths.
func TestASVS_V5_1_5_RedirectsOnlyToLocalPaths(t *testing.T) {
	for _, c := range []struct{ ret, want string }{
		{"/tasks", "/tasks"}, {"/referrals/new/concern?as=public", "/referrals/new/concern?as=public"},
		{"//evil.example/", "/"}, {"/\\evil.example", "/"}, {"https://evil.example/", "/"}, {"http:evil.example", "/"},
		{"javascript:alert(1)", "/"}, {"evil.example", "/"}, {"", "/"},
	} {
		if got := returnPath(&store.Session{Data: map[string]string{keyReturn: c.ret}}); got != c.want {
			t.Errorf("returnPath(%q) = %q, want %q", c.ret, got, c.want)
		}
	}
	e := newEnv(t)
	e.register("redirect@example.org").post("/logout")
	b := e.browser()
	b.get("/auto-replies") // asks for a login and remembers the page
	b.get("/login")
	if r := b.sendForm("/login", "email", "redirect@example.org", "password", testPassword); r.header.Get("Location") != "/login/code" {
		t.Fatalf("after the password: %d %q, want the code", r.code, r.header.Get("Location"))
	}
	r := b.get("/login/code").sendForm("/login/code", "code", e.lastCode("redirect@example.org"))
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/auto-replies" {
		t.Fatalf("after login: %d %q", r.code, r.header.Get("Location"))
	}
	// A path that is not a route is never remembered, so it cannot be a way out of the site.
	b = e.browser()
	for _, p := range []string{"//evil.example/tasks", "/%2F%2Fevil.example", "/tasks/..%2F..%2F%2Fevil.example"} {
		b.send(http.MethodGet, p, nil, nil)
	}
	b.get("/login")
	r = b.sendForm("/login", "email", "redirect@example.org", "password", testPassword)
	base, _ := url.Parse(e.srv.URL + "/login")
	loc, err := base.Parse(r.header.Get("Location"))
	if err != nil || loc.Host != base.Host || !strings.HasPrefix(r.header.Get("Location"), "/") {
		t.Fatalf("after login: redirect to %q, which leaves the portal", r.header.Get("Location"))
	}
}

// V5.3.3: what people type is encoded for HTML wherever it is shown.
func TestASVS_V5_3_3_OutputEncodedForHTML(t *testing.T) {
	fx := newFixture(t)
	b := fx.owner
	xss := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(2)>`, `'><svg onload=alert(3)>`}
	b.get("/account").post("/account", "forename", xss[0], "surname", xss[1], "organisation", xss[2], "phone", "")
	page := "/tasks/" + fx.task + "/pages/practitioner"
	b.get(page).post(page, "name", xss[1], "email", xss[2], "phone", xss[0], "action", "save")
	rpage := "/referrals/" + fx.referral + "/pages/you"
	b.get(rpage).post(rpage, "your_name", xss[0], "postcode", xss[1], "action", "save")
	b.get("/auto-replies/new").post("/auto-replies/new", "start.day", "1", "start.month", "3", "start.year", "2026",
		"end.day", "10", "end.month", "3", "end.year", "2026", "message", xss[2])
	dpage := "/tasks/" + fx.task + "/pages/documents"
	b.get(dpage).upload(dpage, "files", `<img src=x onerror=alert(4)>.pdf`, testPDF, "action", "upload:files")
	for _, p := range []string{"/account", page, "/tasks/" + fx.task + "/print", rpage, "/referrals/" + fx.referral + "/print",
		"/referrals/" + fx.referral + "/submit", "/recover", "/auto-replies", dpage, "/tasks"} {
		body := b.send(http.MethodGet, p, nil, nil).body
		for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", `"><img`, `'><svg`} {
			if strings.Contains(body, bad) {
				t.Errorf("GET %s contains unencoded %q", p, bad)
			}
		}
	}
}

// V5.3.4: the store's queries are parameterised: SQL in any input is only data.
func TestASVS_V5_3_4_NoSQLInjection(t *testing.T) {
	fx := newFixture(t)
	e := fx.e
	for _, email := range []string{`' OR '1'='1`, `owner@school.example' --`, `" OR 1=1 --`, `x@x.org'; DROP TABLE users; --`} {
		b := e.browser().get("/login")
		b.post("/login", "email", email, "password", `' OR '1'='1`)
		if b.code != http.StatusUnprocessableEntity {
			t.Errorf("login as %q: %d", email, b.code)
		}
	}
	for _, id := range []string{"x' OR '1'='1", "1 OR 1=1", `"; DROP TABLE responses; --`, fx.task + "' --"} {
		fx.owner.get("/tasks/" + url.PathEscape(id)).status(http.StatusNotFound)
		if code, _ := e.api(fx.key, "GET", "/delegations/"+url.PathEscape(id), nil); code != http.StatusNotFound {
			t.Errorf("API GET delegation %q: %d", id, code)
		}
	}
	// Still there after the attempts.
	if !fx.owner.signedIn() {
		t.Fatal("the user vanished")
	}
	if code, _ := e.api(fx.key, "GET", "/delegations/"+fx.task, nil); code != 200 {
		t.Fatal("the delegation vanished")
	}
	fx.owner.get("/referrals/" + fx.referral + "/pages/you").see("Rose Secret")
}
