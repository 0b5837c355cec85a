package pdf

import (
	"strings"
	"testing"
	"time"

	"formportal/engine"
)

const ukForm = `
id: uk-types
title: UK types
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: about
    title: About the child
    fields:
      - { id: dob, type: dateOfBirth, label: Date of birth }
      - { id: nhs, type: nhsNumber, label: NHS number }
      - { id: seen_at, type: time, label: Time the child was seen }
      - { id: summary, type: textarea, label: Summary, maxWords: 500 }
      - { id: child_address, type: address, label: Child's address, noFixedAbode: true }
      - { id: carer_address, type: address, label: Carer's address, sameAs: child_address }
`

// The answered PDF writes each UK answer as one line, as the answers page does; the blank one offers each
// choice to tick with its boxes, and says what the question takes.
func TestUKFieldsInPDFs(t *testing.T) {
	form, diags := engine.Load("uk.yaml", []byte(ukForm))
	if form == nil || len(diags) > 0 {
		t.Fatal(diags)
	}
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	answers := engine.Answers{Values: map[string]any{
		"dob":           map[string]any{"status": "born", "day": "12", "month": "3", "year": "2019", "estimated": "yes"},
		"nhs":           "943 476 5919",
		"seen_at":       "2:30pm",
		"child_address": map[string]any{"line1": "41 Test Street", "town": "Testertown", "postcode": "ts11st"},
		"carer_address": map[string]any{"kind": "sameAs"},
	}}
	answered := strings.Join(words(pdftotext(t, writeTemp(t, Document{Form: form, CaseData: map[string]any{}, Answers: answers, Today: today}, true, "a.pdf"))), " ")
	for _, want := range []string{"12 March 2019 (estimated)", "943 476 5919", "2:30pm", "41 Test Street, Testertown, TS1 1ST"} {
		if !strings.Contains(answered, want) {
			t.Errorf("the answered PDF does not read %q:\n%s", want, answered)
		}
	}
	blank := strings.Join(words(pdftotext(t, writeTemp(t, Document{Form: form, Blank: true, CaseData: map[string]any{}, Today: today}, true, "b.pdf"))), " ")
	for _, want := range []string{"Born", "The date of birth is estimated", "Unborn", "Expected due date", "Date of birth not known",
		"Approximate age in years", "Address line 1", "Town or city", "Postcode", "No fixed abode", "Same as child's address",
		"10 digits, like 943 476 5919", "A time, like 14:30 or 2:30pm", "Up to 500 words"} {
		if !strings.Contains(blank, want) {
			t.Errorf("the blank PDF does not read %q:\n%s", want, blank)
		}
	}
}
