package web

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pquerna/otp/totp"

	"formportal/forms"
	"formportal/mail"

	"formportal/store"
	"formportal/store/sqlstore"
)

// clock is a test clock that only moves when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// useForms swaps the forms the app serves (the fixtures by default) for lib.
func (e *env) useForms(lib *forms.Library) {
	e.app.forms = lib
	e.app.work = e.app.casework()
	e.app.routes() // the API is built on them
}

// postgresDSN is the PostgreSQL server the tests use: PORTAL_TEST_POSTGRES, or the one on this machine.
func postgresDSN() string {
	if dsn := os.Getenv("PORTAL_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@localhost:5432/postgres?sslmode=disable"
}

// testOutbox is the real outbox on the test's store; tests read the queued mail back from there.
func testOutbox(st store.Store, now func() time.Time) *mail.Outbox {
	return mail.NewOutbox(st, "Example Portal <donotreply@council.example>", now)
}

type env struct {
	t     testing.TB
	srv   *httptest.Server
	app   *App
	store *sqlstore.DB
	clock *clock
	file  string            // the SQLite database file
	totp  map[string]string // the authenticator secrets of staff the test set up, by email address
	// recovery holds the recovery codes shown to staff the test set up, by email address.
	recovery map[string][]string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvAt(t, filepath.Join(t.TempDir(), "portal.db"))
}

// newEnvAt is newEnv with the database at path.
func newEnvAt(t testing.TB, path string) *env {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	cfg := DefaultConfig()
	cfg.DevMailbox = true
	app, err := New(cfg, Options{Store: db, Mailer: testOutbox(db, clk.Now), Now: clk.Now, Forms: fixtureForms(t),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, app: app, store: db, clock: clk, file: path, totp: map[string]string{}, recovery: map[string][]string{}}
}

// fixtureForms are the engine's valid fixtures: a family delegation form and a referral form.
func fixtureForms(t testing.TB) *forms.Library {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"family", "referral"} {
		data, err := os.ReadFile("../testdata/valid/" + name + "/form.yaml")
		if err != nil {
			t.Fatal(err)
		}
		fsys[name+".yaml"] = &fstest.MapFile{Data: data}
	}
	lib, err := forms.LoadFrom(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// browser is an HTTP client with its own cookies, like one person's browser.
type browser struct {
	e    *env
	c    *http.Client
	last string // the body of the last page
	code int
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar}}
}

func (b *browser) do(req *http.Request) *browser {
	b.e.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.last, b.code = string(body), resp.StatusCode
	return b
}

func (b *browser) get(path string) *browser {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf is the token of the last page.
func (b *browser) csrf() string {
	m := csrfRE.FindStringSubmatch(b.last)
	if m == nil {
		b.e.t.Fatalf("no CSRF token on the page:\n%s", b.last)
	}
	return m[1]
}

// post submits a form as the last page would, with its CSRF token.
func (b *browser) post(path string, fields ...string) *browser {
	b.e.t.Helper()
	v := url.Values{"csrf_token": {b.csrf()}}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Add(fields[i], fields[i+1])
	}
	return b.postRaw(path, v, nil)
}

func (b *browser) postRaw(path string, v url.Values, header http.Header) *browser {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range header {
		req.Header[k] = vs
	}
	return b.do(req)
}

func (b *browser) see(texts ...string) *browser {
	b.e.t.Helper()
	for _, text := range texts {
		// Text on the page, or a value in a field (typed answers live in value attributes).
		if !strings.Contains(htmlText(b.last), text) && !strings.Contains(html.UnescapeString(b.last), `value="`+text+`"`) {
			b.e.t.Fatalf("page does not say %q (status %d):\n%s", text, b.code, htmlText(b.last))
		}
	}
	return b
}

func (b *browser) status(want int) *browser {
	b.e.t.Helper()
	if b.code != want {
		b.e.t.Fatalf("status %d, want %d:\n%s", b.code, want, htmlText(b.last))
	}
	return b
}

func (b *browser) sessionCookie() *http.Cookie {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "session" {
			return c
		}
	}
	return nil
}

var tagRE = regexp.MustCompile(`<[^>]*>`)
var spaceRE = regexp.MustCompile(`\s+`)

// htmlText is a page's text without tags, with entities for apostrophes decoded, whitespace collapsed.
func htmlText(html string) string {
	t := tagRE.ReplaceAllString(html, " ")
	t = strings.NewReplacer("&#39;", "'", "&amp;", "&", "&quot;", `"`, "&lt;", "<", "&gt;", ">").Replace(t)
	return strings.TrimSpace(spaceRE.ReplaceAllString(t, " "))
}

var codeRE = regexp.MustCompile(`\b(\d{4} \d{4})\b`)

// lastCode reads the newest code emailed to an address from the outbox.
func (e *env) lastCode(to string) string {
	e.t.Helper()
	list, err := e.store.RecentMail(context.Background(), 100)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range list {
		if m.To == to {
			if c := codeRE.FindString(m.Text); c != "" {
				return c
			}
		}
	}
	e.t.Fatalf("no code emailed to %s", to)
	return ""
}

const testPassword = "kettle orchard violin 42"

// register walks the whole registration journey and returns the signed-in browser.
func (e *env) register(email string) *browser {
	e.t.Helper()
	b := e.browser()
	b.get("/register").post("/register", "forename", "Rose", "surname", "Berry").
		post("/register/email", "email", email, "password", testPassword, "confirm", testPassword).
		see("Please verify your email address")
	b.post("/register/verify", "code", e.lastCode(email)).see("Terms and conditions")
	b.post("/register/terms", "agree", "yes").see("Registration complete")
	return b
}

// login signs in as a person does: the password, then whatever the portal asks next. An emailed code is
// read from the outbox, when one was sent for this sign-in; an authenticator code is made from the
// secret the test set up, half a minute later on the portal's clock than the last, since each works
// once. The browser ends on the page the sign-in led to, or the one where it stopped.
func (b *browser) login(email, password string) *browser {
	b.e.t.Helper()
	return b.get("/login").loginHere(email, password)
}

// loginHere is login from the sign-in form of the page the browser is on.
func (b *browser) loginHere(email, password string) *browser {
	b.e.t.Helper()
	before := b.e.codesTo(email)
	b.post("/login", "email", email, "password", password)
	if strings.Contains(b.last, `action="/login/code"`) && b.e.codesTo(email) > before {
		b.post("/login/code", "code", b.e.lastCode(email))
	}
	return b.authenticator(email)
}

// authenticator enters the authenticator code, when the page asks for one.
func (b *browser) authenticator(email string) *browser {
	b.e.t.Helper()
	if strings.Contains(b.last, `action="/login/two-factor"`) && b.e.totp[email] != "" {
		b.post("/login/two-factor", "code", b.e.totpCode(email))
	}
	return b
}

// totpCode is the authenticator code of a test's staff member, half a minute on from the last one.
func (e *env) totpCode(email string) string {
	e.t.Helper()
	e.clock.Advance(totpPeriod)
	code, err := totp.GenerateCodeCustom(e.totp[email], e.clock.Now(), totpOptions)
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}
