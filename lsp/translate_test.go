package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const welshForm = `id: contact
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
      - { id: name, type: text, label: Your name }
`

// TestTranslationsBesideTheForm: a bilingual form is checked with its parallel file from beside it, so
// its Welsh there is not reported missing; the translation file itself is checked with its form, as typed.
func TestTranslationsBesideTheForm(t *testing.T) {
	dir := t.TempDir()
	form := filepath.Join(dir, "contact.yaml")
	cy := filepath.Join(dir, "contact.cy.yaml")
	if err := os.WriteFile(form, []byte(welshForm), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cy, []byte("title: Manylion cyswllt\nsections:\n  you:\n    title: Amdanoch chi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := lint("file://"+form, &document{text: welshForm})
	if len(got) != 1 || got[0].Code != "missing-translation" || !strings.Contains(got[0].Message, "`label` of field `name`") {
		t.Errorf("the form: %+v; want only its label reported without Welsh", got)
	}
	typed := "title: Manylion cyswllt\nsections:\n  you:\n    title: Amdanoch chi\n    fields:\n      nmae: { label: Eich enw }\n"
	got = lint("file://"+cy, &document{text: typed})
	if len(got) != 1 || got[0].Code != "unknown-translation" || got[0].Range.Start.Line != 5 {
		t.Errorf("the translation file being edited: %+v; want its misspelt id on line 6", got)
	}
}
