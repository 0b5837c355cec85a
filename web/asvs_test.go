package web

// OWASP ASVS 4.0.3, Level 2: one test per requirement that applies to the portal, named after the
// requirement it proves, in files by chapter (asvs_v2_*_test.go for authentication, asvs_v3_* for
// sessions, ... asvs_v14_* for configuration); this file is their shared harness. Where the portal
// deliberately differs from the standard the test proves what the portal does and the comment says why.
// Requirements that need a feature the portal does not have (a password strength meter, WebAuthn) have
// no test: a test proves what exists.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/pquerna/otp/totp"

	"formportal/store"
	"formportal/web/assets"
)

// --- helpers ---------------------------------------------------------------------------------------

// asvsResp is a response read whole, headers and all.
type asvsResp struct {
	code    int
	header  http.Header
	body    string
	cookies []*http.Cookie
}

// send makes a request with the browser's cookies without following redirects, so that headers,
// redirects and cookies can be checked. The body becomes the browser's last page.
func (b *browser) send(method, path string, body io.Reader, header http.Header) asvsResp {
	b.e.t.Helper()
	req, err := http.NewRequest(method, b.e.srv.URL+path, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	c := &http.Client{Jar: b.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	b.last, b.code = string(data), resp.StatusCode
	return asvsResp{code: resp.StatusCode, header: resp.Header, body: string(data), cookies: resp.Cookies()}
}

// sendForm posts form fields (with the last page's CSRF token) without following the redirect.
func (b *browser) sendForm(path string, fields ...string) asvsResp {
	b.e.t.Helper()
	v := url.Values{"csrf_token": {b.csrf()}}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Add(fields[i], fields[i+1])
	}
	return b.send(http.MethodPost, path, strings.NewReader(v.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// registerWith walks the registration journey with a chosen password.
func (e *env) registerWith(email, password string) *browser {
	e.t.Helper()
	b := e.browser()
	b.get("/register").post("/register", "forename", "Rose", "surname", "Berry").
		post("/register/email", "email", email, "password", password, "confirm", password).
		see("Please verify your email address")
	b.post("/register/verify", "code", e.lastCode(email)).see("Terms and conditions")
	b.post("/register/terms", "agree", "yes").see("Registration complete")
	return b
}

// signIn signs in from a new browser, code and all; the browser ends on whatever page the sign-in led to.
func (e *env) signIn(email, password string) *browser {
	e.t.Helper()
	return e.browser().login(email, password)
}

// signInPassword posts only the password from a new browser, and stops at the page that answers it.
func (e *env) signInPassword(email, password string) *browser {
	e.t.Helper()
	return e.browser().get("/login").post("/login", "email", email, "password", password)
}

// signedIn reports whether the browser is signed in: /account shows the account, not the login page.
func (b *browser) signedIn() bool {
	b.e.t.Helper()
	b.get("/account")
	return b.code == http.StatusOK && strings.Contains(b.last, "Update account") && !strings.Contains(b.last, "Secure login")
}

// newStaffUser makes a council staff account (role staff or admin) with an authenticator app set up,
// directly in the store, and signs in.
func (e *env) newStaffUser(email, role string) *browser {
	e.t.Helper()
	hash, err := hashPassword(testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "test", AccountName: email})
	if err != nil {
		e.t.Fatal(err)
	}
	e.totp[email] = key.Secret()
	now := e.clock.Now()
	u := &store.User{ID: store.NewID(), Email: email, Forename: "Sam", Surname: "Staff", Organisation: "Council", Role: role,
		PasswordHash: hash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now, TOTPSecret: key.Secret()}
	if err := e.store.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	b := e.signIn(email, testPassword)
	if !b.signedIn() {
		e.t.Fatalf("staff %s cannot sign in", email)
	}
	return b
}

// user reads a user row from the store.
func (e *env) user(email string) *store.User {
	e.t.Helper()
	u, err := e.store.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// newEnvWith is newEnv with the configuration and collaborators changed first.
func newEnvWith(t testing.TB, change func(*Config, *Options)) *env {
	t.Helper()
	e := newEnv(t)
	cfg := DefaultConfig()
	cfg.DevMailbox = true
	opts := Options{Store: e.store, Mailer: testOutbox(e.store, e.clock.Now), Now: e.clock.Now, Forms: e.app.forms,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	change(&cfg, &opts)
	app, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	e.app, e.srv = app, srv
	return e
}

// direct calls an App in-process, carrying cookies as a browser would. It needs no network, so a fuzzer
// can make thousands of requests a second, and it can pretend to be any scheme and host.
type direct struct {
	h       http.Handler
	base    string // "http://portal.test", or https for a request over TLS
	cookies map[string]string
	header  http.Header // sent with every request
}

func newDirect(h http.Handler, base string) *direct {
	return &direct{h: h, base: base, cookies: map[string]string{}, header: http.Header{}}
}

func (d *direct) do(method, path, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, d.base+path, bytes.NewReader(body))
	if body == nil {
		req = httptest.NewRequest(method, d.base+path, nil)
	}
	for k, vs := range d.header {
		req.Header[k] = vs
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for name, value := range d.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(d.cookies, c.Name)
		} else {
			d.cookies[c.Name] = c.Value
		}
	}
	return rec
}

// form posts fields with the CSRF token of the given page body.
func (d *direct) form(path, page string, fields ...string) *httptest.ResponseRecorder {
	v := url.Values{}
	if m := csrfRE.FindStringSubmatch(page); m != nil {
		v.Set("csrf_token", m[1])
	}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Add(fields[i], fields[i+1])
	}
	return d.do(http.MethodPost, path, "application/x-www-form-urlencoded", []byte(v.Encode()))
}

// captureLog sends the App's log to a buffer the test can read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (e *env) captureLog() *logBuffer {
	lb := &logBuffer{}
	e.app.log = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return lb
}

// asvsRoute is one route of the router.
type asvsRoute struct{ method, pattern string }

// routes lists every route the App serves, from the router itself, so a route added later is covered by
// the tests that walk them.
func (e *env) routes() []asvsRoute {
	e.t.Helper()
	var out []asvsRoute
	err := chi.Walk(e.app.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, asvsRoute{method, route})
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pattern+out[i].method < out[j].pattern+out[j].method })
	return out
}

// fixture is a professional with a delegated task (with an uploaded file), a referral draft (with an
// uploaded file) and an automatic reply: an id for every kind of URL parameter.
type fixture struct {
	e                              *env
	key                            string
	owner                          *browser
	email                          string
	task, taskFile                 string
	referral, referralFile, reply  string
	taskPage, referralPage, formID string
	request                        string // a multi-agency request, when the test made one
}

var testPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

var fileIDRE = regexp.MustCompile(`remove-file:(?:files|documents):([0-9a-f]+)`)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	e, key := newDelegationEnv(t)
	fx := &fixture{e: e, key: key, email: "owner@school.example", taskPage: "practitioner", referralPage: "you", formID: "concern"}
	b, id := startConcern(t, e, fx.email)
	fx.owner, fx.referral = b, id
	page := "/referrals/" + id + "/pages/concern"
	b.get(page).upload(page, "documents", "referral.pdf", testPDF, "action", "upload:documents", "categories", "neglect", "household.rows", "0").
		see("The file has been uploaded")
	fx.referralFile = fileIDRE.FindStringSubmatch(b.last)[1]
	b.post("/referrals/"+id+"/pages/you", "your_name", "Rose Secret", "action", "save")

	fx.task = e.delegate(key, fx.email)
	page = "/tasks/" + fx.task + "/pages/documents"
	b.get(page).upload(page, "files", "task.pdf", testPDF, "action", "upload:files").see("The file has been uploaded")
	fx.taskFile = fileIDRE.FindStringSubmatch(b.last)[1]

	b.get("/auto-replies/new").post("/auto-replies/new", "start.day", "1", "start.month", "3", "start.year", "2026",
		"end.day", "10", "end.month", "3", "end.year", "2026", "message", "Away until 11 March").see("Your automatic reply has been saved")
	m := regexp.MustCompile(`href="/auto-replies/([0-9a-f]+)"`).FindStringSubmatch(b.last)
	if m == nil {
		t.Fatalf("no link to the automatic reply:\n%s", b.last)
	}
	fx.reply = m[1]
	return fx
}

// path fills a route pattern's parameters with the fixture's ids.
func (fx *fixture) path(pattern string) string {
	segs := strings.Split(pattern, "/")
	delegation := strings.HasPrefix(pattern, "/tasks/") || strings.Contains(pattern, "/delegations/")
	for i, s := range segs {
		switch s {
		case "{id}":
			if delegation {
				segs[i] = fx.task
			} else {
				segs[i] = fx.referral
			}
			if fx.request != "" && strings.Contains(pattern, "/requests/") {
				segs[i] = fx.request
			}
		case "{file}":
			if delegation {
				segs[i] = fx.taskFile
			} else {
				segs[i] = fx.referralFile
			}
		case "{reply}":
			segs[i] = fx.reply
		case "{version}":
			segs[i] = "2" // the version of the referral fixture, fx.formID
		case "{form}":
			if strings.HasPrefix(pattern, "/forms/") {
				segs[i] = "family-check"
			} else {
				segs[i] = fx.formID
			}
		case "*":
			if delegation {
				segs[i] = fx.taskPage
			} else {
				segs[i] = fx.referralPage
			}
		}
	}
	p := strings.Join(segs, "/")
	if strings.HasPrefix(pattern, "/referrals/new/") {
		p += "?as=public"
	}
	return p
}

// --- V2 Authentication ----------------------------------------------------------------------------

// pwPath is one of the three places a password is chosen: registration, change and reset. try reports
// whether the password was accepted, and the page's text.
type pwPath struct {
	name string
	try  func(pw string) (bool, string)
}

func passwordPaths(e *env, tag string) []pwPath {
	n := 0
	next := func() string { n++; return fmt.Sprintf("%s-%d@example.org", tag, n) }
	changer := e.register(next())
	current := testPassword
	return []pwPath{
		{"registration", func(pw string) (bool, string) {
			b := e.browser()
			b.get("/register").post("/register", "forename", "Rose", "surname", "Berry").
				post("/register/email", "email", next(), "password", pw, "confirm", pw)
			return b.code == http.StatusOK && strings.Contains(b.last, "Please verify your email address"), htmlText(b.last)
		}},
		{"change", func(pw string) (bool, string) {
			changer.get("/account/password").post("/account/password", "current", current, "password", pw, "confirm", pw)
			ok := changer.code == http.StatusOK && strings.Contains(changer.last, "Your password has been changed")
			if ok {
				current = pw
			}
			return ok, htmlText(changer.last)
		}},
		{"reset", func(pw string) (bool, string) {
			email := next()
			e.register(email).post("/logout")
			b := e.browser().get("/password/forgotten").post("/password/forgotten", "email", email)
			b.post("/password/reset", "code", e.lastCode(email), "password", pw, "confirm", pw)
			return b.code == http.StatusOK && strings.Contains(b.last, "Your password has been reset"), htmlText(b.last)
		}},
	}
}

// randomPassword is n characters a guesser would not try, deterministic for a given seed.
func randomPassword(seed uint64, n int) string {
	const chars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789 -_.!"
	r := rand.New(rand.NewPCG(seed, seed*7+1))
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

var passwordInputRE = regexp.MustCompile(`<input[^>]*type="password"[^>]*>`)

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var argonRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$`)

func checkArgon2id(t *testing.T, hash, password string) []byte {
	t.Helper()
	if !strings.HasPrefix(hash, "$argon2id$") {
		t.Fatalf("password hash %q is not argon2id", hash)
	}
	m := argonRE.FindStringSubmatch(hash)
	if m == nil {
		t.Fatalf("password hash %q is not in the PHC format", hash)
	}
	if mustAtoi(t, m[1]) < 19*1024 || mustAtoi(t, m[2]) < 2 || mustAtoi(t, m[3]) < 1 {
		t.Fatalf("argon2id parameters m=%s t=%s p=%s are below OWASP's minimum (m=19456, t=2, p=1)", m[1], m[2], m[3])
	}
	if strings.Contains(hash, password) {
		t.Fatal("the hash contains the password")
	}
	if !passwordMatches(password, hash) {
		t.Fatal("the hash does not match the password")
	}
	salt, err := base64.RawStdEncoding.DecodeString(m[4])
	if err != nil {
		t.Fatal(err)
	}
	return salt
}

// --- V3 Session management ------------------------------------------------------------------------

func (b *browser) signedInPage() bool {
	return b.code == http.StatusOK && strings.Contains(b.last, "Update account") && !strings.Contains(b.last, "Secure login")
}

// httpsSessionCookies signs in to an App whose base URL is https, asking it to remember the browser, and
// returns every cookie it set: the anonymous session's, the remembered browser's, the signed-in session's,
// and the logout's deletion.
func httpsSessionCookies(t *testing.T) []*http.Cookie {
	t.Helper()
	e := newEnv(t)
	e.register("secure@example.org").post("/logout")
	httpsEnv := newEnvWith(t, func(c *Config, o *Options) {
		c.BaseURL = "https://portal.example.gov.uk"
		o.Store, o.Mailer, o.Now = e.store, testOutbox(e.store, e.clock.Now), e.clock.Now
	})
	d := newDirect(httpsEnv.app, "https://portal.example.gov.uk")
	var cookies []*http.Cookie
	collect := func(rec *httptest.ResponseRecorder) *httptest.ResponseRecorder {
		cookies = append(cookies, rec.Result().Cookies()...)
		return rec
	}
	page := collect(d.do(http.MethodGet, "/login", "", nil)).Body.String()
	rec := collect(d.form("/login", page, "email", "secure@example.org", "password", testPassword))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in over https: %d\n%s", rec.Code, htmlText(rec.Body.String()))
	}
	page = d.do(http.MethodGet, "/login/code", "", nil).Body.String()
	collect(d.form("/login/code", page, "code", e.lastCode("secure@example.org"), "remember", "yes"))
	if _, ok := d.cookies["__Host-device"]; !ok {
		t.Fatalf("no remembered-browser cookie over https: %v", d.cookies)
	}
	page = d.do(http.MethodGet, "/account", "", nil).Body.String()
	if !strings.Contains(page, "Update account") {
		t.Fatal("not signed in over https")
	}
	collect(d.form("/logout", page))
	if len(cookies) < 3 {
		t.Fatalf("expected the anonymous, signed-in and deleting cookies, got %v", cookies)
	}
	return cookies
}

// --- V4 Access control ----------------------------------------------------------------------------

// publicRoutes are the routes anyone may use without signing in; every other route must send a visitor to
// the login page. A route added later is covered by this list, so making a route public is deliberate.
var publicRoutes = map[string]bool{
	"/": true, "/healthz": true, "/readyz": true, "/theme.css": true, "/assets/*": true,
	"/referrals/new/{form}": true, "/forms/{form}/blank.pdf": true, "/accessibility": true, "/privacy": true, "/terms": true,
	"/login": true, "/logout": true, "/account/deleted": true, "/session/keepalive": true,
	"/login/sso": true, "/login/sso/callback": true, // the council's identity provider, when configured
	"/register": true, "/register/cancel": true, "/register/email": true, "/register/verify": true, "/register/resend": true,
	"/password/forgotten": true, "/password/reset": true,
	"/dev/mail": true, // only with DevMailbox, never in production (V14.3.2)
}

// --- V5 Validation, sanitisation and encoding -----------------------------------------------------

// --- V7 Errors and logging ------------------------------------------------------------------------

// --- V8 Data protection ---------------------------------------------------------------------------

// sample is one response of a kind the portal serves, for the header checks.
type sample struct {
	name string
	r    asvsResp
}

// pageKinds makes one response of every kind the portal serves: pages, errors, downloads, PDFs, JSON,
// static files, redirects.
func pageKinds(t *testing.T) []sample {
	t.Helper()
	fx := newFixture(t)
	e, b := fx.e, fx.owner
	e.app.router.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("a bug") })
	assetsEnv := newEnvWith(t, func(c *Config, o *Options) { o.Assets, o.Asset = assets.Handler(), assets.Path })
	var out []sample
	add := func(name string, r asvsResp) { out = append(out, sample{name, r}) }
	get := func(name, p string) { add(name, b.send(http.MethodGet, p, nil, nil)) }
	get("start page", "/")
	get("static page", "/privacy")
	get("tasks", "/tasks")
	get("task form page", "/tasks/"+fx.task+"/pages/practitioner")
	get("referral form page", "/referrals/"+fx.referral+"/pages/concern")
	get("check answers", "/referrals/"+fx.referral+"/submit")
	get("print", "/tasks/"+fx.task+"/print")
	get("account", "/account")
	get("not found", "/no/such/page")
	get("not found (task)", "/tasks/nope")
	get("download", "/tasks/"+fx.task+"/files/"+fx.taskFile)
	get("task PDF", "/tasks/"+fx.task+"/pdf")
	get("blank PDF", "/forms/concern/blank.pdf")
	get("panic", "/boom")
	get("health", "/healthz")
	get("theme", "/theme.css")
	get("redirect", "/tasks/"+fx.task)
	b.get("/account")
	add("validation error", b.sendForm("/account", "forename", "", "surname", ""))
	add("CSRF failure", b.send(http.MethodPost, "/account", strings.NewReader("forename=x"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}))
	add("login page (anonymous)", e.browser().send(http.MethodGet, "/login", nil, nil))
	add("asset", assetsEnv.browser().send(http.MethodGet, "/assets/app.css", nil, nil))
	add("asset not found", assetsEnv.browser().send(http.MethodGet, "/assets/nope.js", nil, nil))
	apiGet := func(name, p, key string) {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+p, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		add(name, asvsResp{code: resp.StatusCode, header: resp.Header, body: string(body)})
	}
	apiGet("API JSON", "/api/v1/delegations/"+fx.task, fx.key)
	apiGet("API 401", "/api/v1/forms", "")
	apiGet("API 404", "/api/v1/delegations/nope", fx.key)
	apiGet("API document", "/api/v1/openapi.json", "")
	return out
}

// --- V12 Files ------------------------------------------------------------------------------------

// zipOf is a small zip holding the named files: enough for content detection to see a docx or an xlsx.
func zipOf(names ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, _ := zw.Create(name)
		w.Write([]byte(`<?xml version="1.0"?><x/>`))
	}
	zw.Close()
	return buf.Bytes()
}

// --- V13 API --------------------------------------------------------------------------------------

func (e *env) apiRaw(method, path string, header http.Header, body string) asvsResp {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+"/api/v1"+path, strings.NewReader(body))
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return asvsResp{code: resp.StatusCode, header: resp.Header, body: string(data)}
}

// --- V14 Configuration ----------------------------------------------------------------------------

var cspDirectiveRE = regexp.MustCompile(`\s*([a-z-]+)\s+([^;]*)`)
