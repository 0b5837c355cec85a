package preview

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The preview's HTTP tests run the real handler on a real loopback server over a temporary folder
// holding the bundled forms, the real forms of testdata/realforms, the engine's family fixture and a form
// whose second section depends on an answer of its first.

var today = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func newFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	bundled, _ := filepath.Glob("../forms/*.yaml")
	real, _ := filepath.Glob("../testdata/realforms/*.yaml") // drawn by every test over the folder, as a council's forms
	for _, f := range append(bundled, real...) {
		copyFile(t, f, filepath.Join(dir, filepath.Base(f)))
	}
	copyFile(t, "../testdata/valid/family/form.yaml", filepath.Join(dir, "family.yaml"))
	copyFile(t, "testdata/school-check.yaml", filepath.Join(dir, "school-check.yaml"))
	return dir
}

type site struct {
	t   *testing.T
	dir string
	s   *Server
	url string
}

func newSite(t *testing.T) *site {
	dir := newFolder(t)
	s := New(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.today = func() time.Time { return today }
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(s.done) })
	return &site{t: t, dir: dir, s: s, url: srv.URL}
}

func (st *site) get(path string) (int, http.Header, string) {
	st.t.Helper()
	resp, err := http.Get(st.url + path)
	if err != nil {
		st.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		st.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

// page gets a page that must be drawn, and returns its HTML.
func (st *site) page(path string) string {
	st.t.Helper()
	code, h, body := st.get(path)
	if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		st.t.Fatalf("GET %s: %d %s\n%s", path, code, h.Get("Content-Type"), body)
	}
	return body
}

var tags = regexp.MustCompile(`<[^>]+>`)
var spaces = regexp.MustCompile(`\s+`)

// text is a page's text as a person reads it.
func text(html string) string {
	t := tags.ReplaceAllString(html, " ")
	t = strings.NewReplacer("&#39;", "'", "&#34;", `"`, "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(t)
	return strings.TrimSpace(spaces.ReplaceAllString(t, " "))
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

func mustNotContain(t *testing.T, what, got string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(got, w) {
			t.Errorf("%s contains %q:\n%s", what, w, got)
		}
	}
}

func TestIndexListsEveryFile(t *testing.T) {
	st := newSite(t)
	os.WriteFile(filepath.Join(st.dir, "broken.yaml"), []byte("id: broken\ntitle: [Broken\n"), 0o644)
	os.WriteFile(filepath.Join(st.dir, "notes.txt"), []byte("not a form"), 0o644)
	page := text(st.page("/"))
	mustContain(t, "the index", page, "broken.yaml 1 error", "care-plan-part-1.yaml", "early-help-request.yaml Early Help request (version 3) No problems",
		"family.yaml Family check (version 1)", "multi-agency-chronology.yaml", "safeguarding-concern.yaml", "school-check.yaml School check")
	mustNotContain(t, "the index", page, "notes.txt")
}

// Every section of every form is drawn, or listed as not asked with the sample answers and said when
// it would be.
func TestEverySectionOfEveryForm(t *testing.T) {
	st := newSite(t)
	files, err := st.s.load()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Form == nil {
			t.Fatalf("%s: %v", f.Name, f.Diags)
		}
		page := text(st.page("/forms/" + f.Name))
		mustContain(t, f.Name, page, f.Form.Title, "Blank PDF of this form")
		for _, s := range f.Form.Sections {
			if !strings.Contains(page, s.Title) {
				t.Errorf("%s: section %q is neither drawn nor listed", f.Name, s.Title)
			}
		}
	}
}

func TestSampleCaseDataAndChildren(t *testing.T) {
	st := newSite(t)
	page := text(st.page("/forms/family.yaml?preview-children=3"))
	mustContain(t, "three children", page, "Health for Aurora Boreo", "Health for Orion Boreo", "Health for Lyra Boreo")
	mustNotContain(t, "three children", page, "Vega Boreo")
	page = text(st.page("/forms/family.yaml?preview-children=1"))
	mustContain(t, "one child", page, "Health for Aurora Boreo")
	mustNotContain(t, "one child", page, "Orion Boreo")
	// A form about one child has no choice of how many.
	mustNotContain(t, "a child's form", text(st.page("/forms/school-check.yaml")), "Children in the family")
	// Nor has a referral about a family: the referrer types the children in, none come from case data.
	mustNotContain(t, "a family referral", text(st.page("/forms/inter-agency-referral.yaml")), "Children in the family")
	mustContain(t, "a family delegation", text(st.page("/forms/multi-agency-chronology.yaml")), "Children in the family")
}

// The per-child pages are drawn in one HTML form: each child's inputs have names and ids of their own.
func TestPerChildInputsAreNamedByChild(t *testing.T) {
	st := newSite(t)
	html := st.page("/forms/family.yaml?preview-children=2")
	mustContain(t, "the page", html, `name="children.c1.registered_gp"`, `name="children.c2.registered_gp"`, `id="children-c2-registered_gp"`)
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(` id="([^"]+)"`).FindAllStringSubmatch(html, -1) {
		if seen[m[1]] {
			t.Errorf("id %q is used twice", m[1])
		}
		seen[m[1]] = true
	}
}

func TestAudience(t *testing.T) {
	st := newSite(t)
	prof := st.page("/forms/early-help-request.yaml?preview-audience=professional")
	public := st.page("/forms/early-help-request.yaml?preview-audience=public")
	// The professional's questions are asked of professionals only (a condition on the portal's
	// submitter.type, which the audience sets).
	mustContain(t, "as a professional", prof, `id="professional_role"`)
	mustNotContain(t, "as a member of the public", public, `id="professional_role"`)
	mustContain(t, "as a member of the public", public, `value="public" checked`)
	// An audience the form does not have is not offered, and falls back to the form's first.
	mustContain(t, "an unknown audience", st.page("/forms/multi-agency-chronology.yaml?preview-audience=public"), "A professional")
}

func TestAnswersSwitchConditions(t *testing.T) {
	st := newSite(t)
	// As the browser sends the page: each drawn page named, with its answers.
	q := url.Values{postedParam: {"1"}, drawnParam: {"about", "school"}, "at_school": {"no"}, "school_name": {"Testertown Primary"}}
	page := text(st.page("/forms/school-check.yaml?" + q.Encode()))
	mustContain(t, "not at school", page, "Sections not asked with these answers School: asked when “Does the child go to school?” is “Yes”")
	mustNotContain(t, "not at school", page, "Name of the school")

	q = url.Values{postedParam: {"1"}, drawnParam: {"about"}, "at_school": {"yes"}}
	html := st.page("/forms/school-check.yaml?" + q.Encode())
	mustContain(t, "at school", text(html), "Name of the school")
	mustNotContain(t, "at school", text(html), "Sections not asked")
	// The page was not drawn, so it has the sample answer again, ready to be changed.
	mustContain(t, "at school", html, `value="Sample answer to name of the school"`)

	q = url.Values{postedParam: {"1"}, drawnParam: {"about", "school"}, "at_school": {"yes"}, "school_name": {""}}
	html = st.page("/forms/school-check.yaml?" + q.Encode() + "&" + checkParam + "=1")
	mustContain(t, "the name cleared", text(html), "Error: Enter the name of the school")
}

// With "Show validation messages" the page has GOV.UK's error summary, each entry linked to its
// question, and each question its message, as a professional sees them after saving.
func TestValidationMessages(t *testing.T) {
	st := newSite(t)
	html := st.page("/forms/family.yaml?preview-start=empty&preview-children=2&" + checkParam + "=1")
	page := text(html)
	mustContain(t, "the page", page, "There is a problem", "Enter name of practitioner",
		"Select yes if the child is registered with a GP for Aurora Boreo", "Select yes if the child is registered with a GP for Orion Boreo",
		"Error: Enter name of practitioner")
	summary := html[strings.Index(html, "govuk-error-summary"):]
	summary = summary[:strings.Index(summary, "</ul>")]
	links := regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(summary, -1)
	if len(links) < 4 {
		t.Fatalf("the summary links %d questions:\n%s", len(links), summary)
	}
	for _, l := range links {
		if !strings.Contains(html, `id="`+l[1]+`"`) {
			t.Errorf("the summary links to #%s, which the page does not have", l[1])
		}
	}
	// Without asking, the sample answers draw no messages.
	mustNotContain(t, "the sample answers", text(st.page("/forms/family.yaml")), "There is a problem", "Error:")
}

func TestBrokenFileShowsDiagnostics(t *testing.T) {
	st := newSite(t)
	os.WriteFile(filepath.Join(st.dir, "broken.yaml"), []byte("id: broken\ntitle: Broken\nversion: 1\nkind: delegation\naudience: [professional]\nscope: child\nsections:\n  - id: one\n    title: One\n    fields:\n      - id: a\n        type: date\n        maxLength: 4\n"), 0o644)
	page := text(st.page("/forms/broken.yaml"))
	mustContain(t, "the page", page, "This form has errors", `broken.yaml:13:9 "maxLength" does not apply to a date field`, "(field-property)")
	mustNotContain(t, "the page", page, "Preview as")
	if code, _, _ := st.get("/forms/broken.yaml/blank.pdf"); code != http.StatusNotFound {
		t.Errorf("the blank PDF of a broken form: %d", code)
	}
}

func TestBlankPDF(t *testing.T) {
	st := newSite(t)
	code, h, body := st.get("/forms/multi-agency-chronology.yaml/blank.pdf")
	if code != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("blank PDF: %d %s %.20q", code, h.Get("Content-Type"), body)
	}
	if code, _, _ := st.get("/forms/nothing.yaml"); code != http.StatusNotFound {
		t.Errorf("a file that is not there: %d", code)
	}
}

func TestPagesRunOnlyTheirOwnScript(t *testing.T) {
	st := newSite(t)
	_, h, _ := st.get("/")
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("Content-Security-Policy: %q", csp)
	}
	code, h, body := st.get(scriptPath)
	if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/javascript") || !strings.Contains(body, "EventSource") {
		t.Errorf("the script: %d %s", code, h.Get("Content-Type"))
	}
	mustContain(t, "a page", st.page("/"), `<script type="module" src="/preview.js">`, `id="preview-live"`)
}

// A page from another site cannot reach the preview through a name of its own pointed at loopback.
func TestOtherHostNamesAreRefused(t *testing.T) {
	st := newSite(t)
	for host, want := range map[string]int{"evil.example": http.StatusForbidden, "localhost.evil.example": http.StatusForbidden,
		"127.0.0.1.nip.io:8090": http.StatusForbidden, "127.1": http.StatusForbidden, "localhost": http.StatusOK, "127.0.0.1:80": http.StatusOK, "[::1]:8090": http.StatusOK} {
		req, _ := http.NewRequest(http.MethodGet, st.url+"/", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}

func TestListenOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "[::]:0", "example.org:0"} {
		if ln, err := Listen(addr); err == nil {
			ln.Close()
			t.Errorf("Listen(%q) listened", addr)
		} else if !strings.Contains(err.Error(), "loopback") {
			t.Errorf("Listen(%q): %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		ln, err := Listen(addr)
		if err != nil {
			t.Fatalf("Listen(%q): %v", addr, err)
		}
		ln.Close()
	}
}

func TestCommandUsage(t *testing.T) {
	var out, errOut strings.Builder
	for _, args := range [][]string{{}, {"a", "b"}, {"-addr", "0.0.0.0:8090", "testdata"}, {"no-such-folder"}, {"testdata/school-check.yaml"}} {
		out.Reset()
		errOut.Reset()
		if code := Command(args, &out, &errOut); code != 2 {
			t.Errorf("formlint preview %q: exit %d, want 2", args, code)
		}
		if errOut.Len() == 0 {
			t.Errorf("formlint preview %q says nothing on stderr", args)
		}
	}
}

// Saving a file of the folder ends the event stream a page listens on with "change"; so does a page
// drawn before the save that connects after it.
func TestSaveSendsChange(t *testing.T) {
	st := newSite(t)
	w, err := st.s.watch()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go st.s.loop(ctx, w)
	html := st.page("/forms/school-check.yaml")
	gen := regexp.MustCompile(`data-generation="(\d+)"`).FindStringSubmatch(html)[1]

	resp, err := http.Get(st.url + "/events?since=" + gen)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events: %s", ct)
	}
	edited := strings.Replace(readFile(t, filepath.Join(st.dir, "school-check.yaml")), "title: School check", "title: School and nursery check", 1)
	if err := os.WriteFile(filepath.Join(st.dir, "school-check.yaml"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	event := readEvent(t, resp.Body)
	if !strings.HasPrefix(event, "event: change\ndata: ") || strings.Contains(event, gen) {
		t.Fatalf("the event after a save: %q", event)
	}
	mustContain(t, "the page after the save", text(st.page("/forms/school-check.yaml")), "School and nursery check")

	// A page drawn before the save hears of it at once.
	late, err := http.Get(st.url + "/events?since=" + gen)
	if err != nil {
		t.Fatal(err)
	}
	defer late.Body.Close()
	if event := readEvent(t, late.Body); !strings.HasPrefix(event, "event: change") {
		t.Fatalf("the event for an older page: %q", event)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// readEvent reads one Server-Sent Event, up to its blank line.
func readEvent(t *testing.T, r io.Reader) string {
	t.Helper()
	var b strings.Builder
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if sc.Text() == "" {
			return b.String()
		}
		b.WriteString(sc.Text() + "\n")
	}
	t.Fatalf("the stream ended (%v) after %q", sc.Err(), b.String())
	return ""
}

// A form file that is a symlink out of the folder is not read into the page: diagnostics quote a file's
// text, and a folder cloned from elsewhere could point one at the designer's own secrets.
func TestSymlinkOutOfTheFolderIsNotShown(t *testing.T) {
	st := newSite(t)
	secret := filepath.Join(t.TempDir(), "id_secret")
	if err := os.WriteFile(secret, []byte("PRIVATE-KEY-TEXT\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(st.dir, "stolen.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/forms/stolen.yaml"} {
		_, _, body := st.get(p)
		mustNotContain(t, p, body, "PRIVATE-KEY-TEXT")
	}
}

// A form's name in the address cannot reach a file outside the folder, or one that is not a form file;
// a huge query (every table asked for far more rows than the language allows) draws the page within its
// limits.
func TestFormNamesAndQueriesFromTheAddress(t *testing.T) {
	st := newSite(t)
	outside := filepath.Join(filepath.Dir(st.dir), "outside.yaml")
	if err := os.WriteFile(outside, []byte("id: outside\ntitle: OUTSIDE-THE-FOLDER\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(st.dir, "notes.txt"), []byte("NOT-A-FORM"), 0o600)
	for _, p := range []string{"/forms/..%2foutside.yaml", "/forms/%2e%2e%2foutside.yaml", "/forms/..%5coutside.yaml", "/forms/notes.txt",
		"/forms/..%2foutside.yaml/blank.pdf", "/forms/" + url.PathEscape(outside)} {
		code, _, body := st.get(p)
		if code == http.StatusOK || strings.Contains(body, "OUTSIDE-THE-FOLDER") || strings.Contains(body, "NOT-A-FORM") {
			t.Errorf("GET %s: %d\n%s", p, code, body)
		}
	}
	// Near the server's 1 MB limit on a request's head: a box ticked 20,000 times with made-up values,
	// and a long answer.
	q := url.Values{postedParam: {"yes"}, drawnParam: {"concerns"}, "concern_details": {strings.Repeat("x", 200_000)}}
	for i := 0; i < 20000; i++ {
		q.Add("concern_categories", "made-up-"+strconv.Itoa(i))
	}
	code, _, body := st.get("/forms/safeguarding-concern.yaml?" + q.Encode())
	if code != http.StatusOK || strings.Contains(body, "made-up-1") || len(body) > 2<<20 {
		t.Fatalf("a huge query: %d, %d bytes", code, len(body))
	}
}
