// Package e2e tests the portals as their users meet them: the real portal binary (real SQLite file, real
// SMTP to a test mail server on loopback, real HTTP, the embedded assets) driven by headless Chromium,
// with axe-core checking every page.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"formportal/internal/browsertest"
	"formportal/internal/smtptest"
	"formportal/store/sqlstore"
	"formportal/web"
)

type portal struct {
	t      testing.TB
	url    string
	smtp   *smtptest.Server
	store  *sqlstore.DB
	apiKey string
	pid    int // the portal process's

	totp     map[string]string // staff's authenticator keys, by email address, once set up in a test
	lastStep map[string]int64  // the time step of each one's last code: a code works once
}

// portalBinary is the real portal command, built once for the package's tests by TestMain.
var portalBinary string

func TestMain(m *testing.M) {
	if addr := os.Getenv(referenceAddrEnv); addr != "" {
		serveReference(addr, os.Getenv(referencePageEnv)) // this process is BenchmarkLoadPortal's reference server
		return
	}
	dir, err := os.MkdirTemp("", "e2e-portal")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	portalBinary = filepath.Join(dir, "portal")
	if out, err := exec.Command("go", "build", "-o", portalBinary, "formportal/cmd/portal").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build the portal: %v\n%s", err, out)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// startPortal runs the real portal binary on loopback, as an operator would (SQLite in a new data folder,
// mail over SMTP to a test server, a back-office API key made with its own command), configured by
// flags from the web.Config the test asks for. The test reads and seeds the same SQLite file.
func startPortal(t testing.TB, configure ...func(*web.Config)) *portal {
	t.Helper()
	return startPortalWith(t, nil, configure...)
}

// startPortalWith is startPortal with more flags for the binary (-address-lookup-url).
func startPortalWith(t testing.TB, flags []string, configure ...func(*web.Config)) *portal {
	t.Helper()
	data := t.TempDir()
	smtp := smtptest.Start(t)
	host, port := smtp.Addr()
	out, err := exec.Command(portalBinary, "-data", data, "apikey", "create", "lcs").CombinedOutput()
	if err != nil {
		t.Fatalf("apikey create: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	key := lines[len(lines)-1]

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := web.DefaultConfig()
	cfg.BaseURL = "http://" + addr
	for _, c := range configure {
		c(&cfg)
	}
	logPath := filepath.Join(data, "portal.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(portalBinary, "-addr", addr, "-data", data, "-base-url", cfg.BaseURL,
		"-smtp-host", host, "-smtp-port", strconv.Itoa(port), "-smtp-tls", "none",
		"-mail-from", "donotreply@council.example", "-service", "Example Children's Services Portal",
		"-idle-timeout", cfg.IdleTimeout.String(), "-idle-warning", cfg.IdleWarning.String(), "-session-lifetime", cfg.SessionLifetime.String())
	cmd.Args = append(cmd.Args, flags...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the portal: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		logFile.Close()
		if t.Failed() {
			if log, err := os.ReadFile(logPath); err == nil {
				t.Logf("the portal's log:\n%s", clip(string(log), 4000))
			}
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(cfg.BaseURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the portal never answered on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(data, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &portal{t: t, url: cfg.BaseURL, smtp: smtp, store: db, apiKey: key, pid: cmd.Process.Pid, totp: map[string]string{}, lastStep: map[string]int64{}}
}

// clip keeps the end of a long text.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func (p *portal) browser(opts ...browsertest.Option) *browsertest.Browser {
	return browsertest.New(p.t, p.url, opts...)
}

var codeRE = regexp.MustCompile(`\b(\d{4} \d{4})\b`)

// code waits for the next email to an address that holds an 8-digit code, and reads the code.
func (p *portal) code(to string) string {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := p.smtp.WaitFor(p.t, to, time.Until(deadline))
		if c := codeRE.FindString(m.Body); c != "" {
			return c
		}
	}
}

// authenticatorCode is the code a staff member's authenticator app shows now; if its half minute's code
// was used already, it waits for the next.
func (p *portal) authenticatorCode(email string) string {
	p.t.Helper()
	for {
		now := time.Now()
		if step := now.Unix() / 30; step > p.lastStep[email] {
			code, err := totp.GenerateCode(p.totp[email], now)
			if err != nil {
				p.t.Fatal(err)
			}
			p.lastStep[email] = step
			return code
		}
		time.Sleep(time.Until(time.Unix((now.Unix()/30+1)*30, 0)))
	}
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

// login signs in as a person does: the password, then the code the portal emails (read from the SMTP
// server) or, for staff with an authenticator app, the app's code.
func (p *portal) login(b *browsertest.Browser, email, pw string) {
	p.t.Helper()
	b.Visit("/login")
	b.Fill("Email address", email)
	b.Fill("Password", pw)
	b.ClickButton("Sign in")
	switch text := b.Text(); {
	case strings.Contains(text, "We have sent a code to"):
		b.Fill("Code", p.code(email))
		b.ClickButton("Sign in")
	case strings.Contains(text, "Enter the code from your authenticator app") && p.totp[email] != "":
		b.Fill("Code", p.authenticatorCode(email))
		b.ClickButton("Sign in")
	}
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

// withAndWithoutJavaScript runs test as a subtest with JavaScript on and then off, with the browser
// options for each: a page timeout (0 for the default), and NoJavaScript when off.
func withAndWithoutJavaScript(t *testing.T, timeout time.Duration, test func(t *testing.T, js bool, opts []browsertest.Option)) {
	for _, js := range []bool{true, false} {
		name := "with JavaScript"
		var opts []browsertest.Option
		if timeout > 0 {
			opts = append(opts, browsertest.WithTimeout(timeout))
		}
		if !js {
			name = "without JavaScript"
			opts = append(opts, browsertest.NoJavaScript())
		}
		t.Run(name, func(t *testing.T) { test(t, js, opts) })
	}
}
