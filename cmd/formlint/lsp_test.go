package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"formportal/lsp/lsptest"
)

// The built binary, as an editor runs it: `formlint lsp --stdio`, speaking on its stdin and stdout.
func TestLSPBinaryOverStdio(t *testing.T) {
	bin := buildFormlint(t)
	cmd := exec.Command(bin, "lsp", "--stdio")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })

	c := lsptest.New(t, stdin, stdout)
	c.Initialize()
	uri := "file:///forms/contact.yaml"
	broken := strings.Replace(cleanForm, "label: Your name", "label: Your name, requird: true", 1)
	d := c.Open(uri, broken)
	if len(d) != 1 || d[0].Code != "unknown-property" || d[0].Range.Start.Line != 10 {
		t.Fatalf("diagnostics %+v; want unknown-property on line 11", d)
	}
	// "requird" starts after `      - { id: name, type: text, label: Your name, ` (50 characters).
	if r := d[0].Range; r.Start.Character != 50 || r.End.Character != 57 {
		t.Errorf("range %+v; want characters 50 to 57, the misspelt key", r)
	}
	withCondition := cleanForm + "      - { id: other, type: text, label: Other, showWhen: { field: n, answered: true } }\n"
	if d := c.Change(uri, 2, withCondition); len(d) != 1 || d[0].Code != "condition-ref" {
		t.Fatalf("diagnostics %+v; want condition-ref for the half-typed field n", d)
	}
	col := strings.Index(withCondition[strings.LastIndex(withCondition[:len(withCondition)-1], "\n")+1:], "field: n") + len("field: n")
	items := c.Complete(uri, 11, col)
	if got := len(items); got != 1 || items[0].Label != "name" || items[0].TextEdit.NewText != "name" {
		t.Fatalf("completion %+v; want name", items)
	}
	if d := c.Change(uri, 3, strings.Replace(withCondition, "field: n,", "field: name,", 1)); len(d) != 0 {
		t.Fatalf("diagnostics %+v after the fix; want none", d)
	}
	c.Shutdown()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after shutdown: %v; stderr %s", err, stderr.String())
	}
}

func TestLSPBinaryExitsOneWithoutShutdownAndTwoOnUsage(t *testing.T) {
	bin := buildFormlint(t)
	for _, tc := range []struct {
		args  []string
		input string
		code  int
	}{
		{[]string{"lsp"}, "", 1},                // stdin closed without shutdown
		{[]string{"lsp", "--tcp"}, "", 2},       // only stdio
		{[]string{"lsp", "-stdio", "x"}, "", 2}, // unknown argument
	} {
		cmd := exec.Command(bin, tc.args...)
		cmd.Stdin = strings.NewReader(tc.input)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != tc.code {
			t.Errorf("formlint %s: %v (%s); want exit %d", strings.Join(tc.args, " "), err, out, tc.code)
		}
		if tc.code == 2 && !slices.Contains(strings.Fields(string(out)), "usage:") {
			t.Errorf("formlint %s: %q; want a usage line", strings.Join(tc.args, " "), out)
		}
	}
}

// buildFormlint builds this command into a temporary folder.
func buildFormlint(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "formlint")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}
