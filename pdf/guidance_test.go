package pdf

import (
	"os/exec"
	"strings"
	"testing"

	"formportal/engine"
)

const guidanceForm = `
id: guidance-check
title: Guidance Check
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: before
    title: Before you start
    description: Read the **threshold document** first.
    fields:
      - id: intro
        type: content
        heading: What happens next
        text: |
          We read every request within **one working day**. See [our threshold document](https://example.gov.uk/threshold)
          or email [the front door](mailto:mash@example.gov.uk).

          1. Check the child's details
          2. Send the form

          ### Out of hours
          - Call 0300 123 4567
      - { id: danger, type: content, style: warning, text: "If a child is in danger call **999**." }
      - { id: levels, type: content, style: details, summary: Help with the levels, text: "Level 3 is **targeted** help." }
      - { id: note, type: content, style: inset, text: "Keep a copy." }
      - { id: name, type: text, label: Your name, hint: "As on your [badge](https://example.gov.uk/badge)" }
`

// Guidance reads in the PDF as on the page: bold as bold, lists as lists, links as their text and address,
// warning, details and inset text as text.
func TestGuidanceInThePDF(t *testing.T) {
	requireTools(t)
	form, diags := engine.Load("guidance-check.yaml", []byte(guidanceForm))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	path := writeTemp(t, Document{Form: form, Blank: true}, true, "guidance.pdf")
	text := strings.Join(strings.Fields(pdftotext(t, path)), " ")
	for _, want := range []string{
		"Read the threshold document first.",
		"What happens next We read every request within one working day. See our threshold document (https://example.gov.uk/threshold) or email the front door (mash@example.gov.uk).",
		"1. Check the child's details 2. Send the form Out of hours • Call 0300 123 4567",
		"Warning: If a child is in danger call 999.",
		"Help with the levels Level 3 is targeted help.",
		"Keep a copy.",
		"As on your badge (https://example.gov.uk/badge)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not read %q:\n%s", want, text)
		}
	}
	xml, err := exec.Command("pdftohtml", "-xml", "-i", "-stdout", path).Output()
	if err != nil {
		t.Fatalf("pdftohtml: %v", err)
	}
	// pdftohtml marks the runs drawn in a bold face with <b>.
	for _, want := range []string{">We read every request within<b> one working day</b>. See", ">Level 3 is<b> targeted</b> help.<"} {
		if !strings.Contains(string(xml), want) {
			t.Errorf("the PDF does not draw %s in bold:\n%s", want, xml)
		}
	}
	tg := checkTagged(t, path, form.Title, "en")
	lists, items := 0, 0
	tg.root.walk(func(e *elem) {
		switch e.role {
		case "L":
			lists++
		case "LI":
			items++
		}
	})
	if lists != 2 || items != 3 {
		t.Errorf("%d lists of %d items in the structure, want 2 of 3", lists, items)
	}
}

// A declaration's {id}s read as the person's answers in the answered PDF, and as the questions' labels in
// the blank one.
func TestDeclarationStatementInThePDF(t *testing.T) {
	requireTools(t)
	form, diags := engine.Load("f.yaml", []byte(`id: declaration-check
title: Declaration Check
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: you
    title: About you
    fields:
      - { id: referrer_name, type: text, label: Your name, required: true }
      - { id: ok, type: declaration, required: true, label: Declaration, text: "I, {referrer_name}, confirm this is correct." }
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	answered := writeTemp(t, Document{Form: form, Answers: engine.Answers{Values: map[string]any{"referrer_name": "Sam Jones", "ok": "yes"}}}, true, "answered.pdf")
	if text := strings.Join(strings.Fields(pdftotext(t, answered)), " "); !strings.Contains(text, "Declaration I, Sam Jones, confirm this is correct. Confirmed") {
		t.Errorf("answered: %s", text)
	}
	blank := writeTemp(t, Document{Form: form, Blank: true}, true, "blank.pdf")
	if text := strings.Join(strings.Fields(pdftotext(t, blank)), " "); !strings.Contains(text, "I, [Your name], confirm this is correct.") {
		t.Errorf("blank: %s", text)
	}
}
