package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"formportal/engine"
)

const cleanForm = `id: contact
title: Contact details
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: you
    title: About you
    fields:
      - { id: name, type: text, label: Your name, required: true }
`

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func formlint(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCleanFolderExitsZero(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "contact.yaml", cleanForm)
	writeFile(t, dir, "notes.txt", "not a form")
	code, out, errOut := formlint(dir)
	if code != 0 || out != "" || errOut != "" {
		t.Fatalf("code %d, stdout %q, stderr %q; want 0 and silence", code, out, errOut)
	}
}

func TestBundledFormsAreClean(t *testing.T) {
	code, out, errOut := formlint("../../forms")
	if code != 0 {
		t.Fatalf("forms/ has problems (exit %d):\n%s%s", code, out, errOut)
	}
}

// TestBundledMigrationsAreCompatible: a bundled form saying migrate: compatible moves delegations in
// flight on its earlier versions only where formlint -compat finds nothing that breaks them, so each
// earlier version drafts may be on is kept as published (testdata/published/ID.vN.yaml) and must compare
// clean, warnings too; such a form must have one there.
func TestBundledMigrationsAreCompatible(t *testing.T) {
	published, err := filepath.Glob("../../testdata/published/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	checked := map[string]bool{}
	for _, old := range published {
		id, _, _ := strings.Cut(filepath.Base(old), ".v")
		if code, out, errOut := formlint("-strict", "-compat", old, "../../forms/"+id+".yaml"); code != 0 {
			t.Errorf("%s to forms/%s.yaml (exit %d):\n%s%s", old, id, code, out, errOut)
		}
		checked[id] = true
	}
	files, err := filepath.Glob("../../forms/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if engine.IsTranslationFile(filepath.Base(file)) {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if f, _ := engine.Load(file, data); f != nil && f.Migrate == engine.MigrateCompatible && !checked[f.ID] {
			t.Errorf("%s says migrate: compatible, but testdata/published holds no earlier version of it to check that against", file)
		}
	}
}

func TestProblemsPrintOneLinePerDiagnosticAndExitOne(t *testing.T) {
	dir := t.TempDir()
	broken := strings.Replace(cleanForm, "type: text, label: Your name", "type: txt, label: Your name", 1)
	path := writeFile(t, dir, "broken.yaml", broken)
	code, out, _ := formlint(path)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	want := path + `:11:27: error: `
	if !strings.HasPrefix(out, want) || !strings.Contains(out, `"txt"`) || !strings.Contains(out, `"text"`) || !strings.HasSuffix(out, "(invalid-value)\n") {
		t.Fatalf("got %q, want a line starting %q naming the bad type, suggesting text, ending (invalid-value)", out, want)
	}
}

func TestJSONFormat(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "broken.yaml", strings.Replace(cleanForm, "      - { id: name", "      - { id: name, colour: red", 1))
	code, out, _ := formlint("-format", "json", path)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	var diags []struct {
		File, Severity, Message, Rule string
		Line, Col                     int
	}
	if err := json.Unmarshal([]byte(out), &diags); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(diags) != 1 || diags[0].Rule != "unknown-property" || diags[0].Line != 11 || diags[0].File != path {
		t.Fatalf("got %+v, want one unknown-property at line 11", diags)
	}
	code, out, _ = formlint("-format", "json", writeFile(t, dir, "clean/contact.yaml", cleanForm))
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("clean file in JSON: exit %d, output %q; want 0 and []", code, out)
	}
}

func TestDuplicateFormIDsAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", cleanForm)
	writeFile(t, dir, "b.yaml", cleanForm)
	code, out, _ := formlint(dir)
	if code != 1 || !strings.Contains(out, "(duplicate-form)") || !strings.Contains(out, "b.yaml:1:") {
		t.Fatalf("exit %d, output %q; want a duplicate-form problem on b.yaml", code, out)
	}
}

// TestWarningsExitZeroUnlessStrict: warnings are printed but pass, as eslint's do; -strict makes them
// fail (exit 1), as --max-warnings 0 does. Errors always fail.
func TestWarningsExitZeroUnlessStrict(t *testing.T) {
	dir := t.TempDir()
	warned := writeFile(t, dir, "warned.yaml", strings.Replace(cleanForm, "label: Your name, required: true", "required: true", 1))
	code, out, _ := formlint(warned)
	if code != 0 || !strings.Contains(out, ": warning: ") || !strings.Contains(out, "(missing-label)") {
		t.Fatalf("warnings only: exit %d, output %q; want 0 and the missing-label warning", code, out)
	}
	if code, out, _ = formlint("-strict", warned); code != 1 || !strings.Contains(out, "(missing-label)") {
		t.Fatalf("-strict with warnings: exit %d, output %q; want 1", code, out)
	}
	if code, _, _ = formlint("-strict", writeFile(t, dir, "clean/contact.yaml", cleanForm)); code != 0 {
		t.Fatalf("-strict on a clean form: exit %d, want 0", code)
	}
	broken := writeFile(t, dir, "broken/contact.yaml", strings.Replace(cleanForm, "type: text", "type: txt", 1))
	if code, _, _ = formlint(broken); code != 1 {
		t.Fatalf("errors: exit %d, want 1", code)
	}
}

// TestSubcommandDispatch: formlint NAME runs a registered subcommand with the rest of the arguments;
// anything else is a path to lint.
func TestSubcommandDispatch(t *testing.T) {
	var got []string
	subcommands["probe"] = func(args []string, stdout, stderr io.Writer) int {
		got = args
		return 7
	}
	defer delete(subcommands, "probe")
	if code, _, _ := formlint("probe", "-x", "dir"); code != 7 || len(got) != 2 || got[0] != "-x" {
		t.Fatalf("exit %d, args %q; want 7 and [-x dir]", code, got)
	}
	if code, _, errOut := formlint(); code != 2 || !strings.Contains(errOut, "formlint probe ...") {
		t.Fatalf("usage: exit %d, %q; want 2 and the subcommand listed", code, errOut)
	}
}

func TestUsageAndIOErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-format", "xml", "forms"},
		{"-compat", "only-one.yaml"},
		{"-nosuchflag"},
		{filepath.Join(t.TempDir(), "missing.yaml")},
	} {
		if code, _, errOut := formlint(args...); code != 2 || errOut == "" {
			t.Errorf("formlint %q: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}

func TestCompatReportsBreakingChanges(t *testing.T) {
	dir := t.TempDir()
	old := writeFile(t, dir, "old.yaml", cleanForm+"      - { id: phone, type: phone, label: Telephone }\n")
	renamed := strings.Replace(cleanForm, "version: 1", "version: 2", 1)
	renamed = strings.Replace(renamed, "label: Your name, required: true", "label: Your name, required: true, maxLength: 20", 1)
	newer := writeFile(t, dir, "new.yaml", renamed)
	code, out, _ := formlint("-compat", old, newer)
	if code != 1 || !strings.Contains(out, "(compat-field-removed)") || !strings.Contains(out, "(compat-tightened)") {
		t.Fatalf("exit %d, output:\n%s\nwant the removed phone field and the tightened name", code, out)
	}
	compatible := strings.Replace(cleanForm, "version: 1", "version: 2", 1) +
		"      - { id: phone, type: phone, label: Telephone }\n      - { id: email, type: email, label: Email address }\n"
	code, out, _ = formlint("-compat", old, writeFile(t, dir, "compatible.yaml", compatible))
	if code != 0 || out != "" {
		t.Fatalf("adding an optional question: exit %d, output %q; want 0 and nothing", code, out)
	}
}

// TestSyntaxErrorAtItsPlace: an unclosed { is reported where it opens, in words, with exit 1.
func TestSyntaxErrorAtItsPlace(t *testing.T) {
	path := writeFile(t, t.TempDir(), "broken.yaml", strings.Replace(cleanForm, "required: true }", "required: true", 1)+"      - { id: phone, type: phone, label: Telephone }\n")
	code, out, _ := formlint(path)
	if want := path + ":11:9: error: this { is never closed: end the mapping with } (yaml-syntax)\n"; code != 1 || out != want {
		t.Fatalf("exit %d, output %q; want 1 and %q", code, out, want)
	}
}

// TestCompatWarningsOnly: a change that may break some answers (a lower maxLength) is a warning: exit 0,
// or 1 with -strict.
func TestCompatWarningsOnly(t *testing.T) {
	dir := t.TempDir()
	old := writeFile(t, dir, "old.yaml", cleanForm)
	newer := writeFile(t, dir, "new.yaml", strings.Replace(strings.Replace(cleanForm, "version: 1", "version: 2", 1), "required: true }", "required: true, maxLength: 20 }", 1))
	code, out, _ := formlint("-compat", old, newer)
	if code != 0 || !strings.Contains(out, ": warning: ") || !strings.Contains(out, "(compat-tightened)") {
		t.Fatalf("exit %d, output %q; want 0 and a compat-tightened warning", code, out)
	}
	if code, _, _ := formlint("-strict", "-compat", old, newer); code != 1 {
		t.Fatalf("-strict: exit %d, want 1", code)
	}
}

func TestBlankPDFs(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := formlint("-pdf", dir, "../../forms")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	for _, id := range []string{"multi-agency-chronology", "care-plan-part-1", "safeguarding-concern", "early-help-request"} {
		data, err := os.ReadFile(filepath.Join(dir, id+".pdf"))
		if err != nil || !strings.HasPrefix(string(data), "%PDF") {
			t.Errorf("%s.pdf: %v", id, err)
		}
	}
}
