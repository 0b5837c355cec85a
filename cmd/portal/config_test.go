package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// exitCode is the exit status of a finished command; -1 when it did not exit by itself.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err == nil {
		return 0
	}
	return -1
}

// TestBadSettingsStopTheStart runs the real binary with each bad value, from the environment and as a
// flag: it stops at once (exit 1, never serving) with a message naming the variable or flag to fix.
func TestBadSettingsStopTheStart(t *testing.T) {
	for _, c := range []struct {
		env  []string
		args []string
		want string
	}{
		{[]string{"PORTAL_SMTP_PORT=abc"}, nil, `PORTAL_SMTP_PORT: \"abc\" is not a whole number`},
		{[]string{"PORTAL_IDLE_TIMEOUT=ten-minutes"}, nil, `PORTAL_IDLE_TIMEOUT: \"ten-minutes\" is not a duration`},
		{[]string{"PORTAL_DEMO=yes"}, nil, `PORTAL_DEMO: \"yes\" is not true or false`},
		{[]string{"PORTAL_SMTP_HOTS=smtp.council.example"}, nil, "PORTAL_SMTP_HOTS is not a setting of the portal"},
		{[]string{"PORTAL_SMTP_PORT=70000"}, nil, "PORTAL_SMTP_PORT: 70000 is not a port"},
		{[]string{"PORTAL_SMTP_TLS=ssl"}, nil, "PORTAL_SMTP_TLS: \\\"ssl\\\": give starttls, tls or none"},
		{[]string{"PORTAL_IDLE_WARNING=20m"}, nil, "PORTAL_IDLE_WARNING: 20m0s is not shorter than the idle timeout"},
		{[]string{"PORTAL_IDLE_TIMEOUT=0s"}, nil, "PORTAL_IDLE_TIMEOUT: 0s: give a duration longer than nothing"},
		{[]string{"PORTAL_MAIL_FROM=not an address"}, nil, "PORTAL_MAIL_FROM: \\\"not an address\\\" is not an email address"},
		{[]string{"PORTAL_METRICS_ADDR=9090"}, nil, "PORTAL_METRICS_ADDR: \\\"9090\\\": give host:port"},
		{nil, []string{"-smtp-port", "abc"}, `invalid value \"abc\" for flag -smtp-port`},
		{nil, []string{"-idle-timeout", "10m", "-idle-warning", "15m"}, "-idle-warning: 15m0s is not shorter than the idle timeout"},
	} {
		name := strings.Join(append(c.env, c.args...), " ")
		out, err := runCommand(t, c.env, append([]string{"-data", t.TempDir()}, c.args...)...)
		if exitCode(err) != 1 || !strings.Contains(out, c.want) {
			t.Errorf("%s: exit %d, output %s; want exit 1 saying %s", name, exitCode(err), out, c.want)
		}
		if strings.Contains(out, "portal listening") {
			t.Errorf("%s: the portal started", name)
		}
	}
}

// TestConfigCommandMasksSecrets: portal config shows each setting, where it came from, and no secret.
func TestConfigCommandMasksSecrets(t *testing.T) {
	file := secretFile(t, "file-password-value")
	env := []string{"PORTAL_SMTP_HOST=smtp.council.example", "PORTAL_SMTP_PORT=2525",
		"PORTAL_DATABASE_URL=postgres://portal:db-password-value@db.council.example/portal?sslmode=require",
		"PORTAL_OIDC_CLIENT_SECRET=oidc-secret-value"}
	out, err := runCommand(t, env, "-smtp-password-file", file, "-idle-timeout", "15m",
		"-oidc-issuer", "https://login.example/tenant/v2.0", "-oidc-client-id", "portal", "-oidc-email-domains", "council.example", "config")
	if err != nil {
		t.Fatalf("portal config: %v\n%s", err, out)
	}
	for _, secret := range []string{"file-password-value", "db-password-value", "oidc-secret-value"} {
		if strings.Contains(out, secret) {
			t.Errorf("portal config shows a secret (%s):\n%s", secret, out)
		}
	}
	for _, line := range [][]string{
		{"smtp-port", "2525", "PORTAL_SMTP_PORT"},
		{"smtp-host", "smtp.council.example", "PORTAL_SMTP_HOST"},
		{"idle-timeout", "15m0s", "flag -idle-timeout"},
		{"idle-warning", "2m0s", "default"},
		{"database-url", "postgres://portal:xxxxx@db.council.example/portal?sslmode=require", "PORTAL_DATABASE_URL"},
		{"smtp-password", "******", "-smtp-password-file"},
		{"oidc client secret", "******"},
		{"dev mailbox", "false"},
	} {
		if !hasLine(out, line) {
			t.Errorf("portal config has no line with %q:\n%s", line, out)
		}
	}
}

// hasLine reports whether some line of out holds every word of want, in order.
func hasLine(out string, want []string) bool {
	for _, l := range strings.Split(out, "\n") {
		rest, ok := l, true
		for _, w := range want {
			i := strings.Index(rest, w)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(w):]
		}
		if ok {
			return true
		}
	}
	return false
}

// TestHealthcheckCommand asks a running portal, and one that is not there.
func TestHealthcheckCommand(t *testing.T) {
	s := serve(t, nil, "-data", t.TempDir())
	if out, err := runCommand(t, nil, "-data", t.TempDir(), "-addr", strings.TrimPrefix(s.base, "http://"), "healthcheck"); err != nil {
		t.Fatalf("healthcheck of a running portal: %v\n%s", err, out)
	}
	if out, err := runCommand(t, nil, "-data", t.TempDir(), "healthcheck"); exitCode(err) != 1 || !strings.Contains(out, "healthcheck") {
		t.Fatalf("healthcheck with no portal: exit %d\n%s", exitCode(err), out)
	}
}
