package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"formportal/internal/browsertest"
)

// startPreview runs the real `formlint preview` on a folder and returns its address.
func startPreview(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "formlint")
	if out, err := exec.Command("go", "build", "-o", bin, "formportal/cmd/formlint").CombinedOutput(); err != nil {
		t.Fatalf("build formlint: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "preview", "-addr", "127.0.0.1:0", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("formlint preview's log:\n%s", clip(stderr.String(), 4000))
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("formlint preview said nothing: %v\n%s", err, stderr.String())
	}
	// "formlint preview: the forms of DIR are at http://127.0.0.1:PORT/ (Ctrl+C stops)"
	_, url, ok := strings.Cut(line, " are at ")
	url, _, _ = strings.Cut(url, "/ ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("formlint preview's first line: %q", line)
	}
	return url
}

// waitForHeading waits until the page (reloaded by its script, not by the test) has a main heading
// holding text.
func waitForHeading(t *testing.T, b *browsertest.Browser, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
	defer cancel()
	xpath := `//h1[contains(normalize-space(.), "` + text + `")]`
	if _, err := chromedp.Run(ctx, chromedp.WaitVisible(chromedp.Search(xpath))); err != nil {
		t.Fatalf("the page never came to show the heading %q: %v", text, err)
	}
}

// A designer previews a form, picks an answer that leaves a section out, then edits the file: the page
// reloads by itself with the change and the answers kept; a mistake in the file shows formlint's
// diagnostic in the page, and fixing it brings the form back.
func TestPreviewReloadsOnSave(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../preview/testdata/school-check.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "school-check.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t, startPreview(t, dir))

	b.Visit("/")
	b.ClickLink("school-check.yaml")
	b.MustSee("School check")
	b.MustSee("Name of the school")
	b.Choose("Does the child go to school?", "No")
	b.ClickButton("Update preview")
	b.MustSee("Sections not asked with these answers")
	b.MustNotSee("Name of the school")

	edited := strings.Replace(string(src), "title: School check", "title: School and nursery check", 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	waitForHeading(t, b, "School and nursery check")
	b.MustSee("Sections not asked with these answers") // the answers are in the address: a reload keeps them

	broken := strings.Replace(edited, "        label: Name of the school\n", "        label: Name of the school\n        maxDate: 2026-01-01\n", 1)
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	waitForHeading(t, b, "This form has errors")
	b.MustSee(`school-check.yaml:37:9 "maxDate" does not apply to a text field`)
	b.MustNotSee("Update preview")

	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	waitForHeading(t, b, "School and nursery check")

	// As a professional sees them after saving: the error summary and each question's message.
	b.ClickLink("Start with no answers")
	b.ClickButton("Show validation messages")
	b.MustSee("There is a problem")
	b.MustSee("Error: Select yes or no for whether the child goes to school")
}
