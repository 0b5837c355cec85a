package browsertest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// csp is the portal's policy: no inline scripts, everything from 'self'.
const csp = "default-src 'self'; script-src 'self'"

// site is a small server-rendered site with the portal's CSP. It records the
// last form it received.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	form  map[string][]string
	files map[string]string // field name -> "filename: content"
}

func htmlPage(title, body string) string {
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + title + `</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><a href="/">Home</a></header>
<main id="main">
<h1>` + title + `</h1>
` + body + `
</main>
</body>
</html>`
}

const applyForm = `
<form method="post" action="/submit" enctype="multipart/form-data" novalidate>
  <p><label for="name">Full name</label>
  <input id="name" name="name" type="text" autocomplete="name"></p>
  <p><label for="email">Email address</label>
  <input id="email" name="email" type="email" value="old@example.com" autocomplete="email"></p>
  <p><label for="detail">More detail (optional)</label>
  <textarea id="detail" name="detail" rows="3"></textarea></p>
  <fieldset>
    <legend>How should we contact you?</legend>
    <input id="contact-email" name="contact" type="radio" value="email" checked>
    <label for="contact-email">Email</label>
    <input id="contact-phone" name="contact" type="radio" value="phone">
    <label for="contact-phone">Phone</label>
  </fieldset>
  <p><input id="agree" name="agree" type="checkbox" value="yes">
  <label for="agree">I agree to the terms</label></p>
  <p><label for="area">Council area</label>
  <select id="area" name="area">
    <option value="">Choose an area</option>
    <option value="north-east">North East</option>
    <option value="north">North</option>
    <option value="south">South</option>
  </select></p>
  <p><label for="evidence">Supporting evidence</label>
  <input id="evidence" name="evidence" type="file"></p>
  <button type="submit" name="action" value="continue">Continue</button>
  <button type="submit" name="action" value="draft">Save as draft</button>
</form>
<p><a href="/cancel">Cancel</a> <a href="/cancel?all=1">Cancel application</a></p>`

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{}
	mux := http.NewServeMux()
	html := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, body)
		}
	}
	mux.HandleFunc("GET /{$}", html(htmlPage("Welcome", `<p>Apply for a permit.</p><p><a href="/apply">Start your application</a></p>`)))
	mux.HandleFunc("GET /apply", html(htmlPage("Apply", applyForm)))
	mux.HandleFunc("GET /cancel", html(htmlPage("Cancelled", `<p>You cancelled.</p>`)))
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		files := map[string]string{}
		for name, fhs := range r.MultipartForm.File {
			f, err := fhs[0].Open()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			content, _ := io.ReadAll(f)
			f.Close()
			files[name] = fhs[0].Filename + ": " + string(content)
		}
		s.mu.Lock()
		s.form, s.files = r.MultipartForm.Value, files
		s.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "application", Value: "ref-123", Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/done", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", html(htmlPage("Application received", `<p>Your reference is ref-123.</p>`)))
	mux.HandleFunc("GET /js", html(htmlPage("Script test", `<p id="status">Rendered by the server</p><script src="/app.js"></script>`)))
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `document.getElementById('status').textContent = 'Changed by JavaScript';`)
	})
	mux.HandleFunc("GET /inline", html(htmlPage("Inline script", `<p id="status">Rendered by the server</p><script>document.getElementById('status').textContent = 'Inline script ran';</script>`)))
	mux.HandleFunc("GET /focus", html(htmlPage("Your details", `
<div id="error-summary" class="error-summary" tabindex="-1" aria-labelledby="error-title">
  <h2 id="error-title">There is a problem</h2>
  <ul><li><a href="#name">Enter your full name</a></li></ul>
</div>
<p><label for="name">Full name</label> <input id="name" name="name" type="text"></p>
<script src="/focus.js"></script>`)))
	mux.HandleFunc("GET /focus.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `document.getElementById('error-summary').focus();`)
	})
	mux.HandleFunc("GET /bad-img", html(htmlPage("Picture", `<p>Our office:</p><img src="/pic.png" id="office" width="10" height="10">`)))
	mux.HandleFunc("GET /reveal", html(htmlPage("Contact", `<form action="/search"><fieldset><legend>Contact by email?</legend>
<input class="govuk-radios__input" id="c" name="c" type="radio" value="yes" aria-controls="c-more" aria-expanded="true"> <label for="c">Yes</label>
<input class="govuk-radios__input" id="c-2" name="c" type="radio" value="no" aria-expanded="false"> <label for="c-2">No</label>
<div id="c-more"><label for="e">Email address</label> <input id="e" name="e" type="text"></div></fieldset></form>`)))
	mux.HandleFunc("GET /bad-input", html(htmlPage("Search", `<form action="/search"><input type="text" name="q" id="q"> <button>Search</button></form>`)))
	mux.HandleFunc("GET /pic.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(tinyPNG)
	})
	mux.HandleFunc("GET /style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, `body { font-family: sans-serif; color: #0b0c0c; } a { color: #1d70b8; }`)
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// tinyPNG is a 1x1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// fatalRecorder stands in for the test's testing.TB to catch the failures the
// harness reports. Fatalf records the message and ends the goroutine, as
// t.Fatalf does.
type fatalRecorder struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *fatalRecorder) Helper() {}
func (r *fatalRecorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}
func (r *fatalRecorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

// expectFailure runs f with the browser reporting to a recorder, and returns
// the failure message. It fails the test if f does not fail.
func expectFailure(t *testing.T, b *Browser, f func()) string {
	t.Helper()
	return catchFailure(t, func(tb testing.TB) {
		old := b.t
		b.t = tb
		defer func() { b.t = old }()
		f()
	})
}

// catchFailure runs f on its own goroutine with a recorder as its testing.TB
// and returns what f reported. It fails the test if f reports nothing.
func catchFailure(t *testing.T, f func(tb testing.TB)) string {
	t.Helper()
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	<-done
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.msgs) == 0 {
		t.Fatal("expected the harness to fail the test, and it did not")
	}
	return strings.Join(rec.msgs, "\n")
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q; it is:\n%s", what, w, got)
		}
	}
}

func TestCompliantPagePassesUnderStrictCSP(t *testing.T) {
	s := newSite(t)
	b := New(t, s.URL)

	b.Visit("/")
	b.MustSee("Apply for a permit.")
	b.MustNotSee("Application received")
	if got := b.Title(); got != "Welcome" {
		t.Errorf("Title() = %q, want Welcome", got)
	}
	if got := b.URL(); got != s.URL+"/" {
		t.Errorf("URL() = %q, want %q", got, s.URL+"/")
	}
	if got := b.StatusCode(); got != http.StatusOK {
		t.Errorf("StatusCode() = %d, want 200", got)
	}
	b.ClickLink("Start your application")
	if got := b.Path(); got != "/apply" {
		t.Errorf("after ClickLink, Path() = %q, want /apply", got)
	}
	want := []string{s.URL + "/", s.URL + "/apply"}
	if got := b.CheckedPages(); !slices.Equal(got, want) {
		t.Errorf("CheckedPages() = %q, want %q", got, want)
	}
	// axe ran on both pages through DevTools, so the page's CSP saw no
	// script it had to block.
	if errs := b.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("console errors on compliant pages: %q", errs)
	}

	var size [2]int
	b.Eval(`[window.innerWidth, window.innerHeight]`, &size)
	if size != [2]int{WindowWidth, WindowHeight} {
		t.Errorf("viewport = %dx%d, want %dx%d", size[0], size[1], WindowWidth, WindowHeight)
	}
}

func TestCSPIsEnforced(t *testing.T) {
	// The CSP of the test site is real: an inline script is blocked and
	// reported, while the harness's own axe check still runs on the page.
	s := newSite(t)
	b := New(t, s.URL)
	b.Visit("/inline")
	b.MustSee("Rendered by the server")
	b.MustNotSee("Inline script ran")
	mustContain(t, "ConsoleErrors()", strings.Join(b.ConsoleErrors(), "\n"), "Content Security Policy")
	if got := b.CheckedPages(); len(got) != 1 || got[0] != s.URL+"/inline" {
		t.Errorf("CheckedPages() = %q, want the /inline page", got)
	}
}

// GOV.UK Frontend's conditional reveal (aria-expanded on the revealing radio, a known issue of the
// Design System) is excused; aria-expanded on any other radio is not.
func TestAxeExcusesOnlyGOVUKConditionalReveal(t *testing.T) {
	s := newSite(t)
	b := New(t, s.URL)
	b.autoAxe = false
	b.Visit("/reveal")
	b.autoAxe = true
	r := b.Audit()
	if len(r.Violations) != 1 || r.Violations[0].ID != "aria-allowed-attr" || len(r.Violations[0].Nodes) != 1 || r.Violations[0].Nodes[0].Target != "#c-2" {
		t.Fatalf("want only the radio that reveals nothing reported:\n%s", r)
	}
}

func TestAxeReportsViolations(t *testing.T) {
	s := newSite(t)
	b := New(t, s.URL)

	tests := []struct {
		path, rule, impact, target string
		summary                    []string
	}{
		{"/bad-img", "image-alt", "critical", "#office", []string{"Element does not have an alt attribute"}},
		{"/bad-input", "label", "critical", "#q", []string{"Element does not have an implicit (wrapped) <label>", "Element does not have an explicit <label>"}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			// Test the checking function directly: the automatic check is
			// off so that Visit does not fail the test.
			b.autoAxe = false
			b.Visit(tt.path)
			b.autoAxe = true
			r := b.Audit()
			if !slices.Contains(r.RuleIDs(), tt.rule) {
				t.Fatalf("violations %q do not include %s; report:\n%s", r.RuleIDs(), tt.rule, r)
			}
			for _, v := range r.Violations {
				if v.ID != tt.rule {
					continue
				}
				if v.Impact != tt.impact {
					t.Errorf("impact = %q, want %q", v.Impact, tt.impact)
				}
				if len(v.Nodes) != 1 || v.Nodes[0].Target != tt.target {
					t.Errorf("nodes = %+v, want one with target %s", v.Nodes, tt.target)
				}
			}
			report := r.String()
			mustContain(t, "the report", report, append([]string{
				s.URL + tt.path, tt.rule, "[" + tt.impact + "]", "element " + tt.target, "dequeuniversity.com",
			}, tt.summary...)...)
			t.Logf("the report reads:\n%s", report)
			if got := b.CheckedPages(); got[len(got)-1] != s.URL+tt.path {
				t.Errorf("CheckedPages() = %q, want it to end with %s", got, s.URL+tt.path)
			}
		})
	}

	t.Run("automatic check fails the test", func(t *testing.T) {
		msg := expectFailure(t, b, func() { b.Visit("/bad-img") })
		mustContain(t, "the failure", msg, "after visit "+s.URL+"/bad-img", "image-alt", "Images must have alternative text", "#office")
	})
	t.Run("automatic check after a click", func(t *testing.T) {
		b.Visit("/")
		msg := expectFailure(t, b, func() {
			b.Eval(`document.querySelector('a[href="/apply"]').href = '/bad-input'`, nil)
			b.ClickLink("Start your application")
		})
		mustContain(t, "the failure", msg, `after click link "Start your application"`, "label", s.URL+"/bad-input")
	})
}

func TestFormSubmission(t *testing.T) {
	s := newSite(t)
	b := New(t, s.URL)
	evidence := filepath.Join(t.TempDir(), "evidence.txt")
	if err := os.WriteFile(evidence, []byte("proof of address"), 0o644); err != nil {
		t.Fatal(err)
	}

	b.Visit("/apply")
	b.Fill("Full name", "Ada Lovelace")
	b.Fill("Email address", "ada@example.com") // replaces the old value
	b.Fill("More detail", "First line\nSecond line")
	b.Check("Phone")
	b.Check("I agree to the terms")
	b.Check("I agree to the terms") // already checked: no change
	b.Select("Council area", "North")
	b.Upload("Supporting evidence", evidence)
	b.ClickButton("Continue")

	if got := b.Path(); got != "/done" {
		t.Fatalf("after submitting, Path() = %q, want /done", got)
	}
	b.MustSee("Your reference is ref-123.")
	s.mu.Lock()
	form, files := s.form, s.files
	s.mu.Unlock()
	want := map[string]string{
		"name": "Ada Lovelace", "email": "ada@example.com", "detail": "First line\r\nSecond line",
		"contact": "phone", "agree": "yes", "area": "north", "action": "continue",
	}
	for k, v := range want {
		if got := form[k]; len(got) != 1 || got[0] != v {
			t.Errorf("server got %s = %q, want %q", k, got, v)
		}
	}
	if got := files["evidence"]; got != "evidence.txt: proof of address" {
		t.Errorf("server got file %q, want evidence.txt with its content", got)
	}
	if c := b.Cookie("application"); c == nil || c.Value != "ref-123" || !c.HTTPOnly {
		t.Errorf("Cookie(application) = %+v, want ref-123, HttpOnly", c)
	}
	wantPages := []string{s.URL + "/apply", s.URL + "/done"}
	if got := b.CheckedPages(); !slices.Equal(got, wantPages) {
		t.Errorf("CheckedPages() = %q, want %q (the POST redirected to /done)", got, wantPages)
	}

	// Back to the form and clear a field.
	b.Back()
	if got := b.Path(); got != "/apply" {
		t.Errorf("after Back, Path() = %q, want /apply", got)
	}
	b.Fill("Email address", "")
}

func TestNoJavaScript(t *testing.T) {
	s := newSite(t)

	// With JavaScript, the script changes the text: the page's test is real.
	withJS := New(t, s.URL)
	withJS.Visit("/js")
	withJS.MustSee("Changed by JavaScript")

	b := New(t, s.URL, NoJavaScript())
	b.Visit("/js")
	b.MustSee("Rendered by the server")
	b.MustNotSee("Changed by JavaScript")
	if got := b.CheckedPages(); len(got) != 1 {
		t.Errorf("CheckedPages() = %q, want the page checked once with JavaScript off", got)
	}
	// The axe check turned JavaScript on for its run only.
	b.Visit("/js")
	b.MustNotSee("Changed by JavaScript")
	if b.JavaScriptEnabled() {
		t.Error("JavaScriptEnabled() = true with NoJavaScript")
	}

	// A form works without JavaScript.
	b.Visit("/apply")
	b.Fill("Full name", "Grace Hopper")
	b.Check("I agree to the terms")
	b.Select("Council area", "South")
	b.ClickButton("Save as draft")
	b.MustSee("Your reference is ref-123.")
	s.mu.Lock()
	got := fmt.Sprint(s.form["name"], s.form["agree"], s.form["area"], s.form["action"])
	s.mu.Unlock()
	if want := "[Grace Hopper] [yes] [south] [draft]"; got != want {
		t.Errorf("server got %s, want %s", got, want)
	}

	b.SetJavaScript(true)
	b.Visit("/js")
	b.MustSee("Changed by JavaScript")
}

func TestFocusAndKeyboard(t *testing.T) {
	s := newSite(t)
	b := New(t, s.URL)
	b.Visit("/focus")
	mustContain(t, "Focused()", b.Focused(), "div#error-summary.error-summary", `"There is a problem`)
	b.Press("Tab")
	mustContain(t, "Focused() after Tab", b.Focused(), `a[href="#name"] "Enter your full name"`)
	b.Press("Shift+Tab")
	mustContain(t, "Focused() after Shift+Tab", b.Focused(), `a[href="/"] "Home"`)
	b.Press("Enter")
	if got := b.Path(); got != "/" {
		t.Errorf("Enter on the Home link went to %q, want /", got)
	}

	nojs := New(t, s.URL, NoJavaScript())
	nojs.Visit("/focus")
	if got := nojs.Focused(); got != "body" {
		t.Errorf("without JavaScript, Focused() = %q, want body", got)
	}
	nojs.Fill("Full name", "Ada")
	mustContain(t, "Focused() after Fill", nojs.Focused(), `input#name[type="text"][name="name"] labelled "Full name"`)
}

func TestHelpfulFailures(t *testing.T) {
	s := newSite(t)
	b := New(t, s.URL)
	b.Visit("/apply")

	tests := []struct {
		name  string
		do    func()
		wants []string
	}{
		{"missing button", func() { b.ClickButton("Submit") },
			[]string{`no visible button with text "Submit"`, `"Continue", "Save as draft"`, "/apply"}},
		{"ambiguous link", func() { b.ClickLink("Can") },
			[]string{`2 links are with text starting with "Can"`, `a[href="/cancel"] "Cancel"`, `"Cancel application"`}},
		{"wrong kind of control", func() { b.Fill("Council area", "North") },
			[]string{`the label "Council area" belongs to select#area`, "not a text field"}},
		{"missing label", func() { b.Check("I disagree") },
			[]string{`no visible checkbox or radio labelled "I disagree"`, `"Email", "Phone", "I agree to the terms"`}},
		{"missing option", func() { b.Select("Council area", "West") },
			[]string{`no visible option with text "West"`, `"North East", "North", "South"`}},
		{"MustSee", func() { b.MustSee("Application received") },
			[]string{`the page does not show "Application received"`, "Full name"}},
		{"missing file", func() { b.Upload("Supporting evidence", "no-such-file.txt") },
			[]string{"no-such-file.txt", "no such file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustContain(t, "the failure", expectFailure(t, b, tt.do), tt.wants...)
		})
	}
	// The exact match wins over a prefix match.
	b.ClickLink("Cancel")
	if got := b.Path(); got != "/cancel" {
		t.Errorf("ClickLink(Cancel) went to %q, want /cancel", got)
	}
}

func TestScreenshot(t *testing.T) {
	s := newSite(t)
	b := New(t, s.URL)
	b.Visit("/apply")
	path := b.Screenshot("apply form")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) || len(data) < 24 {
		t.Fatalf("%s is not a PNG", path)
	}
	if w := binary.BigEndian.Uint32(data[16:20]); w != WindowWidth {
		t.Errorf("screenshot is %d pixels wide, want %d", w, WindowWidth)
	}
	if filepath.Base(path) != "apply_form.png" {
		t.Errorf("screenshot path %s, want apply_form.png", path)
	}
}

func TestMissingChromiumFails(t *testing.T) {
	t.Setenv("BROWSERTEST_CHROMIUM", "/nonexistent/chromium")
	msg := catchFailure(t, func(tb testing.TB) { New(tb, "http://127.0.0.1:1") })
	mustContain(t, "the failure", msg, "browsertest:", "/nonexistent/chromium", "missing")
}

func TestRepoRootAndAxePath(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	p, err := AxePath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "web", "assets", "testdata", "axe.min.js"); p != want {
		t.Errorf("AxePath() = %s, want %s", p, want)
	}
}
