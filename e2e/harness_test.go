// Package e2e tests the portals as their users meet them: the whole server (real SQLite file, real SMTP
// to a test mail server on loopback, real HTTP, the embedded assets) driven by headless Chromium, with
// axe-core checking every page.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"formportal/forms"
	"formportal/internal/browsertest"
	"formportal/internal/smtptest"
	"formportal/mail"
	"formportal/store/sqlstore"
	"formportal/web"
	"formportal/web/assets"
)

type portal struct {
	t      testing.TB
	url    string
	smtp   *smtptest.Server
	store  *sqlstore.DB
	apiKey string
}

// startPortal runs the portal as cmd/portal assembles it, with mail going over SMTP to a test server.
func startPortal(t testing.TB, configure ...func(*web.Config)) *portal {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	smtp := smtptest.Start(t)
	host, port := smtp.Addr()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	from := "Example Children's Services Portal <donotreply@council.example>"
	sender := mail.NewSender(db, &mail.SMTPTransport{Host: host, Port: port, TLS: "none", Timeout: 5 * time.Second}, from,
		mail.SenderOptions{Interval: 200 * time.Millisecond, Logger: logger})
	outbox := mail.NewOutbox(db, from, nil)
	outbox.Notify = sender.Wake
	go sender.Run(ctx)

	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	var app http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { app.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	cfg := web.DefaultConfig()
	cfg.BaseURL = srv.URL
	for _, c := range configure {
		c(&cfg)
	}
	a, err := web.New(cfg, web.Options{Store: db, Mailer: outbox, Forms: lib, Logger: logger, Assets: assets.Handler(), Asset: assets.Path})
	if err != nil {
		t.Fatal(err)
	}
	app = a
	key, err := web.NewAPIKey(ctx, db, "lcs", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &portal{t: t, url: srv.URL, smtp: smtp, store: db, apiKey: key}
}

func (p *portal) browser(opts ...browsertest.Option) *browsertest.Browser {
	return browsertest.New(p.t, p.url, opts...)
}

var codeRE = regexp.MustCompile(`\b(\d{4} \d{4})\b`)

// code waits for the next email to an address and reads the 8-digit code in it.
func (p *portal) code(to string) string {
	p.t.Helper()
	m := p.smtp.WaitFor(p.t, to, 10*time.Second)
	c := codeRE.FindString(m.Body)
	if c == "" {
		p.t.Fatalf("no code in the email to %s: %s", to, m.Body)
	}
	return c
}

// api calls the back-office API.
func (p *portal) api(method, path string, body any) (int, map[string]any) {
	p.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.url+"/api/v1"+path, rd)
	req.Header.Set("Authorization", "Bearer "+p.apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

const password = "kettle orchard violin 42"

// register walks the seeds' registration as a new user: name, email and password, the emailed code,
// the terms.
func (p *portal) register(b *browsertest.Browser, forename, surname, email string) {
	p.t.Helper()
	b.ClickLink("Register for new account")
	b.MustSee("Register a new account")
	b.Fill("Forename", forename)
	b.Fill("Surname", surname)
	b.ClickButton("Next")
	b.Fill("Email address", email)
	b.Fill("Password", password)
	b.Fill("Please enter the same password", password)
	b.ClickButton("Next")
	b.MustSee("Please verify your email address")
	b.Fill("Code", p.code(email))
	b.ClickButton("Next")
	b.MustSee("Terms and conditions")
	b.Check("I agree to these Terms and Conditions")
	b.ClickButton("Continue")
	b.MustSee("Registration complete")
}

func (p *portal) login(b *browsertest.Browser, email, pw string) {
	p.t.Helper()
	b.Visit("/login")
	b.Fill("Email address", email)
	b.Fill("Password", pw)
	b.ClickButton("Sign in")
}

// logout uses the name menu, as the seeds ask people to: click your name, then Logout.
func logout(b *browsertest.Browser, name string) {
	b.ClickButton(name)
	b.ClickButton("Logout")
	b.MustSee("You have signed out")
}

func browsertestNoJS() browsertest.Option { return browsertest.NoJavaScript() }

// chooseFile picks a file for an upload field as a person would. With JavaScript, choosing it uploads it
// at once (the page reloads with the file listed, or the reason it was refused); without, the person
// presses the field's Upload file button.
func chooseFile(t *testing.T, b *browsertest.Browser, label, path string) {
	t.Helper()
	if !b.JavaScriptEnabled() {
		b.Upload(label, path)
		b.ClickButton("Upload file")
		return
	}
	b.Eval(`window.appBeforeUpload = true`, nil)
	b.Upload(label, path)
	waitFor(t, b, "the page after choosing "+path, `!window.appBeforeUpload && document.readyState === "complete"`, 20*time.Second)
}
