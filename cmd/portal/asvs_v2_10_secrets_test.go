package main

// OWASP ASVS 4.0.3 V2.10, service authentication: the portal's own secrets for the services it uses.

import (
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"formportal/internal/smtptest"
	"formportal/web"
)

// trustFile writes the test SMTP server's certificate where the binary's TLS will trust it
// (SSL_CERT_FILE), as an operator installs a private CA.
func trustFile(t *testing.T, srv *smtptest.Server) string {
	t.Helper()
	host, port := srv.Addr()
	conn, err := tls.Dial("tcp", fmt.Sprintf("%s:%d", host, port), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cert := conn.ConnectionState().PeerCertificates[0]
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func secretFile(t *testing.T, secret string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil { // editors and echo end files with a newline
		t.Fatal(err)
	}
	return path
}

// V2.10.4: the SMTP password reaches the portal from a file (a Docker secret, a systemd credential) or
// the environment, and then never shows in the process list, which every user of the machine can read,
// nor in the log. The flag still works, for development, with a warning. The real binary, with demo
// data, signs in over TLS to a real SMTP server that takes mail only after AUTH with the password, and
// delivers the demo's emails.
func TestASVS_V2_10_4_SMTPPasswordFromFileOrEnvironment(t *testing.T) {
	const password = "correct-horse-from-a-secret"
	file := secretFile(t, password)
	for _, c := range []struct {
		name      string
		env, args []string
		warned    bool
	}{
		{"-smtp-password-file", nil, []string{"-smtp-password-file", file}, false},
		{"PORTAL_SMTP_PASSWORD_FILE", []string{"PORTAL_SMTP_PASSWORD_FILE=" + file}, nil, false},
		{"PORTAL_SMTP_PASSWORD", []string{"PORTAL_SMTP_PASSWORD=" + password}, nil, false},
		{"-smtp-password, for development", nil, []string{"-smtp-password", password}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := smtptest.StartWith(t, smtptest.Options{TLS: "tls", Username: "portal", Password: password})
			host, port := srv.Addr()
			env := append([]string{"SSL_CERT_FILE=" + trustFile(t, srv)}, c.env...)
			args := []string{"-data", t.TempDir(), "-demo", "-smtp-host", host, "-smtp-port", fmt.Sprint(port), "-smtp-tls", "tls", "-smtp-user", "portal"}
			s := serve(t, env, append(args, c.args...)...)
			if m := srv.WaitFor(t, web.DemoEmail, 15*time.Second); !strings.Contains(m.Subject, "delegated") {
				t.Fatalf("the demo's email: %q", m.Subject)
			}
			if c.warned {
				if !strings.Contains(s.log.String(), "process list") {
					t.Errorf("no warning about the password on the command line:\n%s", s.log)
				}
				return
			}
			if strings.Contains(s.cmdline(t), password) {
				t.Errorf("the password is in the process list: %s", s.cmdline(t))
			}
			if strings.Contains(s.log.String(), password) || strings.Contains(s.log.String(), "process list") {
				t.Errorf("the log holds the password or a needless warning:\n%s", s.log)
			}
		})
	}
}

// V2.10.4: the database URL, which holds the database password, comes from a file or the environment
// the same way; the real binary opens PostgreSQL with it and keeps it out of the process list.
func TestASVS_V2_10_4_DatabaseURLFromFileOrEnvironment(t *testing.T) {
	dsn := os.Getenv("PORTAL_TEST_POSTGRES")
	if dsn == "" {
		dsn = "postgres://postgres@localhost:5432/postgres?sslmode=disable"
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	for _, how := range []string{"-database-url-file", "PORTAL_DATABASE_URL_FILE", "PORTAL_DATABASE_URL"} {
		t.Run(how, func(t *testing.T) {
			ctx := context.Background()
			schema := fmt.Sprintf("cmd_%d", time.Now().UnixNano())
			if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
				t.Fatalf("PostgreSQL at %s is needed (.ci/run starts it): %v", dsn, err)
			}
			t.Cleanup(func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
			url := dsn + "&search_path=" + schema
			var env, args []string
			switch how {
			case "-database-url-file":
				args = []string{"-database-url-file", secretFile(t, url)}
			case "PORTAL_DATABASE_URL_FILE":
				env = []string{"PORTAL_DATABASE_URL_FILE=" + secretFile(t, url)}
			default:
				env = []string{"PORTAL_DATABASE_URL=" + url}
			}
			s := serve(t, env, append([]string{"-data", t.TempDir()}, args...)...)
			var n int
			if err := admin.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+schema+".schema_migrations").Scan(&n); err != nil || n == 0 {
				t.Fatalf("the portal did not use PostgreSQL: %d migrations, %v\n%s", n, err, s.log)
			}
			if strings.Contains(s.cmdline(t), schema) {
				t.Errorf("the database URL is in the process list: %s", s.cmdline(t))
			}
		})
	}
}

// A secret given twice, or a file that cannot be read or is empty, stops the portal with a message that
// names the setting and never the secret.
func TestSecretSettingMistakesStopThePortal(t *testing.T) {
	file := secretFile(t, "s3cret-value")
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	for _, c := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"-smtp-password", "s3cret-value", "-smtp-password-file", file}, "-smtp-password and -smtp-password-file both given"},
		{[]string{"PORTAL_SMTP_PASSWORD=s3cret-value"}, []string{"-smtp-password-file", file}, "-smtp-password and -smtp-password-file both given"},
		{[]string{"PORTAL_DATABASE_URL=postgres://u:s3cret-value@db/x"}, []string{"-database-url-file", file}, "-database-url and -database-url-file both given"},
		{nil, []string{"-smtp-password-file", filepath.Join(t.TempDir(), "missing")}, "-smtp-password-file: open"},
		{nil, []string{"-database-url-file", empty}, "-database-url-file: " + empty + " is empty"},
	} {
		out, err := runCommand(t, c.env, append([]string{"-data", t.TempDir(), "-smtp-host", "smtp.example"}, c.args...)...)
		if err == nil || !strings.Contains(out, c.want) || strings.Contains(out, "s3cret-value") {
			t.Errorf("%v %v: %v\n%s", c.env, c.args, err, out)
		}
	}
}
