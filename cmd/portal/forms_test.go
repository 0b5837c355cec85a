package main

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"formportal/forms"
)

// versionLine is a form's version, whichever the bundled form is at.
var versionLine = regexp.MustCompile(`(?m)^version: [0-9]+$`)

// councilForm writes the bundled Early Help request into dir as the council's own form, with a title and
// version of its own.
func councilForm(t *testing.T, dir, title string, version int) {
	t.Helper()
	b, err := forms.FS().(interface{ ReadFile(string) ([]byte, error) }).ReadFile("early-help-request.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "title: Early Help request", "title: "+title, 1)
	s = versionLine.ReplaceAllString(s, "version: "+strconv.Itoa(version))
	if !strings.Contains(s, "title: "+title) || !strings.Contains(s, "\nversion: "+strconv.Itoa(version)+"\n") {
		t.Fatal("the bundled form no longer has the title and version this test changes")
	}
	if err := os.WriteFile(filepath.Join(dir, "early-help-request.yaml"), []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func startPage(t *testing.T, s *served) string {
	t.Helper()
	var page strings.Builder
	for _, door := range []string{"professional", "public"} { // each door's button leads to its forms
		resp, err := http.Get(s.base + "/?as=" + door)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page.Write(b)
	}
	return page.String()
}

// waitLog waits for a line in the portal's log, for as long as the portal runs (the test's own deadline
// bounds it).
func waitLog(t *testing.T, s *served, text string) {
	t.Helper()
	for !strings.Contains(s.log.String(), text) {
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPortalServesACouncilsFormsFolder(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	councilForm(t, dir, "Ask for Early Help in Borsetshire", 1)
	// A form with a warning only: served, and the warning logged.
	os.WriteFile(filepath.Join(dir, "wishes.yml"), []byte(`id: wishes
title: Wishes and feelings
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: wishes
    title: Wishes
    delegable: true
    fields:
      - id: wishes
        type: textarea
        label: "What has the child told you about their wishes?"
        required: true
`), 0o600)
	s := serve(t, nil, "-data", data, "-forms", dir)
	if log := s.log.String(); !strings.Contains(log, `"diagnostic":"wishes.yml:14:16: warning: `) || !strings.Contains(log, `(message-name)"`) {
		t.Fatalf("the warning is not logged:\n%s", s.log)
	}
	page := startPage(t, s)
	if !strings.Contains(page, "Ask for Early Help in Borsetshire") {
		t.Fatalf("the council's form is not offered:\n%s", page)
	}
	if strings.Contains(page, "Safeguarding concern") {
		t.Fatal("a bundled form is offered beside the council's folder")
	}
	if !strings.Contains(s.log.String(), `"form published","form":"early-help-request version 1"`) {
		t.Fatalf("the first start did not publish the form:\n%s", s.log)
	}

	// A new version, read on SIGHUP: served without a restart.
	councilForm(t, dir, "Early Help request for Borsetshire families", 2)
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, s, `"msg":"forms reloaded"`)
	if page := startPage(t, s); !strings.Contains(page, "Early Help request for Borsetshire families") {
		t.Fatalf("version 2 is not offered after SIGHUP:\n%s", page)
	}

	// A broken edit on SIGHUP is refused and the forms already served stay.
	os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("id: broken\ntitle: [unclosed\n"), 0o600)
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, s, "forms not reloaded")
	if page := startPage(t, s); !strings.Contains(page, "Early Help request for Borsetshire families") {
		t.Fatal("a refused reload took the forms away")
	}

	// The environment variable does what the flag does.
	os.Remove(filepath.Join(dir, "broken.yaml"))
	env := serve(t, []string{"PORTAL_FORMS=" + dir}, "-data", t.TempDir())
	if page := startPage(t, env); !strings.Contains(page, "Early Help request for Borsetshire families") {
		t.Fatal("PORTAL_FORMS did not choose the folder")
	}
}

func TestFormsFolderWithErrorsStopsThePortal(t *testing.T) {
	dir := t.TempDir()
	councilForm(t, dir, "Early Help", 1)
	os.WriteFile(filepath.Join(dir, "concern.yaml"), []byte("id: concern\ntitle: Concern\nversion: 1\nkind: referral\naudience: [public]\nscope: child\nsections:\n  - id: s\n    title: S\n    fields:\n      - { id: a, type: txt, label: A }\n"), 0o600)
	out, err := runCommand(t, nil, "-data", t.TempDir(), "-forms", dir)
	if err == nil {
		t.Fatalf("the portal started on a folder with an error:\n%s", out)
	}
	// formlint's own line: file, line and column, severity, message and rule.
	if !strings.Contains(out, "concern.yaml:11:") || !strings.Contains(out, ": error: ") || !strings.Contains(out, "(invalid-value)") {
		t.Fatalf("formlint's diagnostic is not printed:\n%s", out)
	}
	if !strings.Contains(out, "fix the errors and start again") {
		t.Fatalf("no reason given for not starting:\n%s", out)
	}
}

func TestEditedButNotBumpedFormIsRefusedAtStart(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	councilForm(t, dir, "Early Help", 1)
	out, err := runCommand(t, nil, "-data", data, "forms", "publish", dir)
	if err != nil || !strings.Contains(out, "Published early-help-request version 1.") {
		t.Fatalf("publish: %v\n%s", err, out)
	}
	if out, _ := runCommand(t, nil, "-data", data, "forms", "publish", dir); !strings.Contains(out, "Nothing new to publish") {
		t.Fatalf("publishing the same folder again:\n%s", out)
	}

	councilForm(t, dir, "Early Help, edited", 1)
	out, err = runCommand(t, nil, "-data", data, "-forms", dir)
	if err == nil {
		t.Fatalf("the portal started with a published version changed:\n%s", out)
	}
	if !strings.Contains(out, "early-help-request version 1 has changed since it was published: raise its version") {
		t.Fatalf("no reason given:\n%s", out)
	}
	if out, err := runCommand(t, nil, "-data", data, "forms", "publish", dir); err == nil || !strings.Contains(out, "raise its version") {
		t.Fatalf("forms publish accepted a changed version: %v\n%s", err, out)
	}

	councilForm(t, dir, "Early Help, edited", 2)
	s := serve(t, nil, "-data", data, "-forms", dir)
	if page := startPage(t, s); !strings.Contains(page, "Early Help, edited") {
		t.Fatal("version 2 is not served")
	}
}

// TestFormsPublishReachesARunningPortal: `portal forms publish` writes a new version to the database a
// running portal uses, and the portal serves it from its next poll, without a restart or a signal.
func TestFormsPublishReachesARunningPortal(t *testing.T) {
	dir, next, data := t.TempDir(), t.TempDir(), t.TempDir()
	councilForm(t, dir, "Early Help", 1)
	s := serve(t, nil, "-data", data, "-forms", dir, "-forms-poll", "100ms")
	if !strings.Contains(startPage(t, s), "Early Help") {
		t.Fatal("version 1 is not served")
	}
	councilForm(t, next, "Early Help, as published later", 2)
	out, err := runCommand(t, nil, "-data", data, "forms", "publish", "-migrate", next)
	if err != nil || !strings.Contains(out, "Published early-help-request version 2.") {
		t.Fatalf("publish: %v\n%s", err, out)
	}
	for !strings.Contains(startPage(t, s), "Early Help, as published later") {
		time.Sleep(50 * time.Millisecond)
	}
}

// A form file that is a symlink out of the forms folder (to the keyring, say) is refused without being
// read: formlint's diagnostics quote a file's text, and they go to the portal's log. A symlink within
// the folder, as a Kubernetes ConfigMap mounts its files (name.yaml -> ..data/name.yaml), still serves.
func TestFormsFolderSymlinkOutOfTheFolderIsNotRead(t *testing.T) {
	top := t.TempDir()
	const secret = "k1 c2VjcmV0LWtleS1ieXRlcy1zZWNyZXQta2V5LWJ5dGVzISE="
	if err := os.WriteFile(filepath.Join(top, "keyring"), []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(top, "forms")
	data := filepath.Join(dir, "..data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	councilForm(t, data, "Early Help", 1)
	if err := os.Symlink("..data/early-help-request.yaml", filepath.Join(dir, "early-help-request.yaml")); err != nil {
		t.Fatal(err)
	}
	if _, err := readForms(dir, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("a symlink within the folder: %v", err)
	}
	if err := os.Symlink("../keyring", filepath.Join(dir, "stolen.yaml")); err != nil {
		t.Fatal(err)
	}
	out, err := runCommand(t, nil, "-data", t.TempDir(), "-forms", dir)
	if err == nil {
		t.Fatalf("the portal started with a form file outside its folder:\n%s", out)
	}
	if strings.Contains(out, "c2VjcmV0") {
		t.Fatalf("the file outside the folder was read into the log:\n%s", out)
	}
	if !strings.Contains(out, "stolen.yaml") {
		t.Fatalf("the refused file is not named:\n%s", out)
	}
}

// A form edited without raising its version and read on SIGHUP is refused: the published version stays
// the one served, so responses made on it keep meaning what they meant.
func TestEditedButNotBumpedFormIsRefusedOnSIGHUP(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	councilForm(t, dir, "Early Help as published", 1)
	s := serve(t, nil, "-data", data, "-forms", dir)
	councilForm(t, dir, "Early Help edited in place", 1)
	s.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, s, "forms not reloaded")
	if !strings.Contains(s.log.String(), "raise its version") {
		t.Fatalf("no reason logged:\n%s", s.log)
	}
	page := startPage(t, s)
	if !strings.Contains(page, "Early Help as published") || strings.Contains(page, "edited in place") {
		t.Fatalf("the edit under the same version is served:\n%s", page)
	}
}
