package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"formportal/store"
	"formportal/store/sealed"
	"formportal/store/sqlstore"
	"formportal/web"
)

// keyFile writes a keyring of fresh keys with these ids, the first current, and returns its path and lines.
func keyFile(t *testing.T, ids ...string) (string, []string) {
	t.Helper()
	var lines []string
	for _, id := range ids {
		l, err := sealed.NewKeyLine(id)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	return writeKeyring(t, lines...), lines
}

func writeKeyring(t *testing.T, lines ...string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// serveInProcess runs the portal with args until the test ends or stop is called.
func serveInProcess(t *testing.T, args ...string) (stop func()) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", addr}, args...), slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	waitUp(t, "http://"+addr+"/healthz")
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("portal: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// The demo's children are not in the database file when a keyring is given; a start without the key, or
// with another key under its id, stops with a message saying which key is wanted; rotate-key runs while
// the portal serves, after which the old key can go.
func TestEncryptionKeysFromTheCommandLine(t *testing.T) {
	data := t.TempDir()
	k1, k1Lines := keyFile(t, "k1")
	stop := serveInProcess(t, "-data", data, "-demo", "-encryption-keys-file", k1)
	stop()
	raw, err := os.ReadFile(filepath.Join(data, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	// (Orion rather than Aurora: the published chronology form names "Aurora Boreo" as an example.)
	if bytes.Contains(raw, []byte("Frodo Bagginski")) || bytes.Contains(raw, []byte("Orion Boreo")) {
		t.Fatal("a demo child's name is in the database file in the clear")
	}

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	other, _ := keyFile(t, "k1")
	for name, c := range map[string]struct {
		args []string
		says string
	}{
		"no key":             {nil, `encrypted with key "k1"`},
		"another key for k1": {[]string{"-encryption-keys-file", other}, "wrong key"},
	} {
		err := run(context.Background(), append(append([]string{"-data", data}, c.args...), "apikey", "list"), logger)
		if err == nil || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "-encryption-keys-file") {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.says)
		}
	}
	t.Setenv("PORTAL_ENCRYPTION_KEYS", "k1 not-base64")
	if err := run(context.Background(), []string{"-data", data, "apikey", "list"}, logger); err == nil || !strings.Contains(err.Error(), "line 1 (key k1)") {
		t.Errorf("a malformed keyring: %v", err)
	}
	os.Unsetenv("PORTAL_ENCRYPTION_KEYS")

	k2Line, err := sealed.NewKeyLine("k2")
	if err != nil {
		t.Fatal(err)
	}
	both := writeKeyring(t, k2Line, k1Lines[0])
	stop = serveInProcess(t, "-data", data, "-encryption-keys-file", both)
	if err := run(context.Background(), []string{"-data", data, "-encryption-keys-file", both, "rotate-key"}, logger); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := run(context.Background(), []string{"-data", data, "-encryption-keys-file", writeKeyring(t, k2Line), "apikey", "list"}, logger); err != nil {
		t.Fatalf("k1 still needed after rotate-key: %v", err)
	}
}

// Retention periods come from flags and PORTAL_RETAIN_* variables; one under a day stops the start.
func TestRetentionFlags(t *testing.T) {
	t.Setenv("PORTAL_RETAIN_AUDIT_DAYS", "3650")
	t.Setenv("PORTAL_RETAIN_EVENTS_DAYS", "180")
	c, _, err := parseFlags([]string{"-retain-drafts-days", "14", "-retain-drafts-from", "start", "-retain-anonymise"})
	if err != nil {
		t.Fatal(err)
	}
	r := c.web.Retention
	if r.Forms.Drafts != 14 || r.Forms.DraftsFrom != "start" || !r.Forms.Anonymise || r.Audit != 3650 || r.Forms.Submitted != 30 || r.MailBodies != 7 || r.Events != 180 {
		t.Errorf("retention: %+v", r)
	}
	if _, _, err := parseFlags([]string{"-retain-events-days", "0"}); err == nil || !strings.Contains(err.Error(), "events") {
		t.Errorf("0 days of events: %v", err)
	}
	if _, _, err := parseFlags([]string{"-retain-events-days", "ninety"}); err == nil {
		t.Error("-retain-events-days ninety was accepted")
	}
	if _, _, err := parseFlags([]string{"-retain-mail-days", "0"}); err == nil || !strings.Contains(err.Error(), "mail bodies") {
		t.Errorf("0 days of mail: %v", err)
	}
	if _, _, err := parseFlags([]string{"-retain-drafts-from", "monday"}); err == nil {
		t.Error("a bad drafts-from was accepted")
	}
}

// export-subject writes a zip only its owner can read, and refuses to overwrite a file.
func TestExportSubjectCommand(t *testing.T) {
	data := t.TempDir()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	stop := serveInProcess(t, "-data", data, "-demo")
	stop()
	out := filepath.Join(t.TempDir(), "sar.zip")
	if err := run(context.Background(), []string{"-data", data, "export-subject", web.DemoEmail, out}, logger); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v, %v", fi, err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	pdfs := 0
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/form.pdf") {
			pdfs++
		}
	}
	zr.Close()
	if pdfs == 0 {
		t.Errorf("no form PDFs in the demo professional's export (%d files)", len(zr.File))
	}
	if err := run(context.Background(), []string{"-data", data, "export-subject", web.DemoEmail, out}, logger); err == nil {
		t.Error("an existing file was overwritten")
	}
}

// export-subject prints the forms of the council's own folder (-forms), each at the version its response
// was made on: a form only the council has is not left without its PDF.
func TestExportSubjectCommandUsesTheCouncilsForms(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	councilForm(t, dir, "Council help", 1)
	b, err := os.ReadFile(filepath.Join(dir, "early-help-request.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "council-help.yaml"), bytes.Replace(b, []byte("id: early-help-request"), []byte("id: council-help"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := run(context.Background(), []string{"-data", data, "-forms", dir, "forms", "publish", dir}, logger); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(data, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r := &store.Response{ID: "c1", Kind: store.KindReferral, FormID: "council-help", FormVersion: 1, OwnerEmail: "asker@example.org", Status: store.StatusDraft,
		CaseData: json.RawMessage(`{}`), Answers: json.RawMessage(`{"values":{}}`), CreatedAt: now, UpdatedAt: now}
	if err := db.CreateResponse(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := filepath.Join(t.TempDir(), "sar.zip")
	if err := run(ctx, []string{"-data", data, "-forms", dir, "export-subject", "asker@example.org", out}, logger); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := []string{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "forms/c1/form.pdf" {
			return
		}
	}
	t.Fatalf("no PDF of the council's form in the export: %v", names)
}
