package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const bilingualForm = `id: contact
title: Contact details
version: 1
kind: delegation
audience: [professional]
scope: child
languages: [en, cy]
sections:
  - id: you
    title: About you
    fields:
      - { id: name, type: text, label: Your name, required: true }
      - id: contact_by
        type: radios
        label: How should we contact you?
        options:
          - { value: phone, label: By phone }
          - { value: email, label: By email }
`

const bilingualParallel = `title: Manylion cyswllt
sections:
  you:
    title: Amdanoch chi
    fields:
      name: { label: Eich enw }
      contact_by:
        label: Sut dylen ni gysylltu â chi?
        options:
          phone: Dros y ffôn
          emial: Drwy e-bost
`

// TestTranslationsInAFolder: formlint reads FORM.cy.yaml beside its form, warns of the text left without
// its Welsh at the English, and refuses a key that matches nothing at its own place, with the nearest key.
func TestTranslationsInAFolder(t *testing.T) {
	dir := t.TempDir()
	form := writeFile(t, dir, "contact.yaml", bilingualForm)
	cy := writeFile(t, dir, "contact.cy.yaml", bilingualParallel)
	code, out, errOut := formlint(dir)
	want := cy + ":11:18: error: `sections.you.fields.contact_by.options.emial.label` matches no text of the form; did you mean `sections.you.fields.contact_by.options.email.label`? (unknown-translation)\n" +
		form + ":18:36: warning: `label` of option `email` of field `contact_by` in section `you` has no Welsh (cy): add cy: { label: ... } beside it, or `sections.you.fields.contact_by.options.email.label` in contact.cy.yaml (missing-translation)\n"
	if code != 1 || out != want || errOut != "" {
		t.Fatalf("exit %d, stdout\n%s\nstderr %q; want exit 1 and\n%s", code, out, errOut, want)
	}
	// Naming the translation file checks its form; naming both checks the form once.
	if code, out2, _ := formlint(cy); code != 1 || out2 != want {
		t.Errorf("formlint %s: exit %d\n%s", cy, code, out2)
	}
	if code, out2, _ := formlint(form, cy); code != 1 || out2 != want {
		t.Errorf("formlint FORM CY: exit %d\n%s", code, out2)
	}
	// Fixed, the folder is clean.
	writeFile(t, dir, "contact.cy.yaml", strings.Replace(bilingualParallel, "emial", "email", 1))
	if code, out, errOut := formlint("-strict", dir); code != 0 || out != "" || errOut != "" {
		t.Errorf("the fixed folder: exit %d, %q %q", code, out, errOut)
	}
}

// TestMissingTranslationsOnlyForBilingualForms: a form that does not say it is offered in Welsh is not
// told what Welsh it lacks.
func TestMissingTranslationsOnlyForBilingualForms(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "contact.yaml", strings.Replace(bilingualForm, "languages: [en, cy]\n", "", 1))
	if code, out, errOut := formlint("-strict", dir); code != 0 || out != "" || errOut != "" {
		t.Errorf("exit %d, %q %q; want silence", code, out, errOut)
	}
}

func TestOrphanTranslationFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "contact.yaml", cleanForm)
	orphan := writeFile(t, dir, "contcat.cy.yaml", bilingualParallel)
	code, out, _ := formlint(dir)
	want := orphan + ":1:1: error: a Welsh (cy) translation file with no form contcat.yaml beside it (unknown-translation)\n"
	if code != 1 || out != want {
		t.Errorf("exit %d\n%s\nwant\n%s", code, out, want)
	}
}

// TestTranslateWritesTheParallelFile: formlint translate lists every text with its Welsh or empty; the
// empty ones filled in, the form is complete.
func TestTranslateWritesTheParallelFile(t *testing.T) {
	dir := t.TempDir()
	form := writeFile(t, dir, "contact.yaml", bilingualForm)
	code, out, errOut := formlint("translate", form)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"title: \"\" # Contact details", "      name:\n        label: \"\" # Your name", "          email:\n            label: \"\" # By email"} {
		if !strings.Contains(out, "\n"+want) && !strings.HasPrefix(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// Empty translations are refused, so none is forgotten.
	writeFile(t, dir, "contact.cy.yaml", out)
	if code, lint, _ := formlint(dir); code != 1 || strings.Count(lint, "is empty") != 6 {
		t.Errorf("the unfilled file: exit %d\n%s", code, lint)
	}
	filled := regexp.MustCompile(`: "" # ([^\n]*)`).ReplaceAllString(out, ": Cymraeg $1")
	writeFile(t, dir, "contact.cy.yaml", filled)
	if code, lint, _ := formlint("-strict", dir); code != 0 {
		t.Errorf("the filled file: exit %d\n%s", code, lint)
	}
	// What it has is kept.
	if _, again, _ := formlint("translate", form); !strings.Contains(again, "label: Cymraeg Your name # Your name") {
		t.Errorf("translate does not keep the Welsh the form has:\n%s", again)
	}
}

// TestWelshBlankPDF: formlint -lang cy -pdf writes the Welsh blank form, tagged as Welsh.
func TestWelshBlankPDF(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "contact.pdf")
	writeFile(t, dir, "contact.yaml", bilingualForm)
	writeFile(t, dir, "contact.cy.yaml", strings.Replace(bilingualParallel, "emial", "email", 1))
	if code, out, errOut := formlint("-lang", "cy", "-pdf", path, filepath.Join(dir, "contact.yaml")); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil || !regexp.MustCompile(`(?m)^Tagged:\s+yes$`).Match(info) || !regexp.MustCompile(`(?m)^Title:\s+Manylion cyswllt$`).Match(info) {
		t.Errorf("pdfinfo: %v\n%s", err, info)
	}
	js, err := exec.Command("qpdf", "--json", path).Output()
	if err != nil || !strings.Contains(string(js), `"/Lang": "u:cy"`) {
		t.Errorf("qpdf --json finds no /Lang cy: %v", err)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Manylion cyswllt", "Amdanoch chi", "Eich enw *", "Ticiwch un", "☐ Dros y ffôn", "Tudalen 1 o 1", "SWYDDOGOL-SENSITIF"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the Welsh blank form has no %q:\n%s", want, text)
		}
	}
	// Into a folder, a Welsh PDF is named FORM-ID.cy.pdf; an unknown language is a usage error.
	if code, _, _ := formlint("-lang", "cy", "-pdf", dir, filepath.Join(dir, "contact.yaml")); code != 0 {
		t.Errorf("exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "contact.cy.pdf")); err != nil {
		t.Error(err)
	}
	if code, _, _ := formlint("-lang", "fr", "-pdf", dir, filepath.Join(dir, "contact.yaml")); code != 2 {
		t.Errorf("-lang fr: exit %d, want 2", code)
	}
}

// TestBundledFormsAreInWelsh: every text of every bundled form has its Welsh. A text added to a bundled
// form needs its Welsh in forms/FORM.cy.yaml (formlint translate forms/FORM.yaml lists what is missing).
func TestBundledFormsAreInWelsh(t *testing.T) {
	code, out, errOut := formlint("-strict", "../../forms")
	if code != 0 {
		t.Fatalf("forms/ is not complete in Welsh (exit %d):\n%s%s", code, out, errOut)
	}
}
