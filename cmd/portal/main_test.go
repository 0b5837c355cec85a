package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"formportal/store/sealed"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitUp(t *testing.T, url string) {
	t.Helper()
	for range 100 {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never answered", url)
}

// TestServeDemoAndShutDownGracefully runs the real command with demo data, checks health and readiness,
// then stops it while a request is still being received: the request gets its answer.
func TestServeDemoAndShutDownGracefully(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() { done <- run(ctx, []string{"-addr", addr, "-data", t.TempDir(), "-demo"}, logger) }()
	base := "http://" + addr
	waitUp(t, base+"/healthz")
	for _, path := range []string{"/healthz", "/readyz", "/", "/login", "/dev/mail"} {
		resp, err := http.Get(base + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}

	// A request whose body is still arriving when the shutdown starts.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, base+"/login", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	answered := make(chan *http.Response, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("the in-flight request failed: %v", err)
			answered <- nil
			return
		}
		answered <- resp
	}()
	pw.Write([]byte("email=a%40example.org"))
	time.Sleep(200 * time.Millisecond)
	cancel()
	time.Sleep(200 * time.Millisecond)
	pw.Write([]byte("&password=x"))
	pw.Close()
	if resp := <-answered; resp == nil || resp.StatusCode != http.StatusForbidden { // no CSRF token: refused, but answered
		t.Fatalf("in-flight request: %+v", resp)
	}
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("still serving after shutdown: %v", err)
	}
}

func TestAPIKeyCommand(t *testing.T) {
	dir := t.TempDir()
	if err := run(context.Background(), []string{"-data", dir, "apikey", "create", "lcs"}, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-data", dir, "apikey", "delete"}, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Fatal("an unknown command was accepted")
	}
}

func TestNoDevMailboxOnAPublicAddressByAccident(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	err := run(context.Background(), []string{"-data", t.TempDir(), "-base-url", "https://portal.council.example"}, logger)
	if err == nil || !strings.Contains(err.Error(), "-smtp-host") {
		t.Fatalf("started on a public address without SMTP: %v", err)
	}
}

// The code at every sign-in is on unless turned off, and "remember this device" lasts 30 days unless set.
func TestSignInCodeFlags(t *testing.T) {
	c, _, err := parseFlags(nil)
	if err != nil || c.web.PasswordOnlySignIn || c.web.RememberDevice != 30*24*time.Hour {
		t.Fatalf("defaults: password only %v, remember %v, %v", c.web.PasswordOnlySignIn, c.web.RememberDevice, err)
	}
	t.Setenv("PORTAL_REMEMBER_DEVICE_DAYS", "7")
	c, _, err = parseFlags([]string{"-signin-code=false"})
	if err != nil || !c.web.PasswordOnlySignIn || c.web.RememberDevice != 7*24*time.Hour {
		t.Fatalf("turned off: password only %v, remember %v, %v", c.web.PasswordOnlySignIn, c.web.RememberDevice, err)
	}
	if _, _, err := parseFlags([]string{"-remember-device-days", "0"}); err == nil {
		t.Fatal("0 days accepted")
	}
}

// The OpenID Connect client secret comes from a file or the environment, never from a flag, which any
// user of the machine can read in the process list.
func TestOIDCClientSecretNeverAFlag(t *testing.T) {
	oidc := []string{"-oidc-issuer", "https://login.example/tenant/v2.0", "-oidc-client-id", "portal", "-oidc-email-domains", "council.example, county.example"}
	if _, _, err := parseFlags(append(oidc, "-oidc-client-secret", "s3cret")); err == nil {
		t.Fatal("a client secret flag was accepted")
	}
	if _, _, err := parseFlags(oidc); err == nil || !strings.Contains(err.Error(), "PORTAL_OIDC_CLIENT_SECRET") {
		t.Fatalf("no secret: %v", err)
	}
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte("from the file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _, err := parseFlags(append(oidc, "-oidc-client-secret-file", file))
	if err != nil || c.web.SSO.ClientSecret != "from the file" || len(c.web.SSO.EmailDomains) != 2 || c.web.SSO.EmailDomains[1] != "county.example" {
		t.Fatalf("secret from a file: %+v, %v", c.web.SSO, err)
	}
	t.Setenv("PORTAL_OIDC_CLIENT_SECRET", "from the environment")
	if c, _, err = parseFlags(oidc); err != nil || c.web.SSO.ClientSecret != "from the environment" {
		t.Fatalf("secret from the environment: %+v, %v", c.web.SSO, err)
	}
	if _, _, err := parseFlags(oidc[:4]); err == nil || !strings.Contains(err.Error(), "-oidc-email-domains") {
		t.Fatalf("no domains: %v", err)
	}
}

// A secret file (the keyring above all) that other users of the machine can read is warned of at start;
// one only its owner reads is not.
func TestSecretFileReadableByOthersIsWarned(t *testing.T) {
	line, err := sealed.NewKeyLine("k1")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "keyring")
	if err := os.WriteFile(file, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	warned := func() bool {
		c, _, err := parseFlags([]string{"-encryption-keys-file", file})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.warnings {
			if strings.Contains(w, file) && strings.Contains(w, "other users") {
				return true
			}
		}
		return false
	}
	if warned() {
		t.Fatal("a keyring file only its owner reads is warned of")
	}
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	if !warned() {
		t.Fatal("a keyring file every user can read is not warned of")
	}
}
