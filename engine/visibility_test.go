package engine

import (
	"encoding/json"
	"strings"
	"testing"
)

const staffOnlyForm = `id: concern
title: Concern
version: 1
kind: delegation
audience: [professional]
scope: child
languages: [en, cy]
cy: { title: Pryder }
caseData:
  type: object
  properties:
    caseNote: { type: string }
sections:
  - id: concern
    title: The concern
    cy: { title: Y pryder }
    fields:
      - { id: summary, type: textarea, label: Summary, required: true, cy: { label: Crynodeb } }
      - { id: council_note, type: textarea, label: Note from the case record, prefill: caseNote, readOnly: true, visibleTo: staff, cy: { label: Nodyn o'r cofnod achos } }
  - id: manager
    title: Manager's decision
    visibleTo: staff
    cy: { title: Penderfyniad y rheolwr }
    fields:
      - { id: decision, type: textarea, label: Decision, required: true, cy: { label: Penderfyniad } }
`

func TestPersonViewLeavesOutWhatOnlyStaffSee(t *testing.T) {
	form, diags := Load("f.yaml", []byte(staffOnlyForm))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	caseData := map[string]any{"caseNote": "Known to the police"}
	answers := Answers{Values: map[string]any{"summary": "Seen with bruises", "decision": "Assessment", "council_note": "typed by the person"}}
	for _, lang := range []string{English, "cy"} {
		person := form.In(lang).ForPerson()
		if person.Lang() != lang {
			t.Errorf("%s: the person's copy is in %s", lang, person.Lang())
		}
		if person.Section("manager") != nil || person.Field("council_note") != nil || person.Field("decision") != nil {
			t.Errorf("%s: the person's copy has a staff-only question or section", lang)
		}
		if person.ForPerson() != person || person.ForStaff() != form.In(lang) {
			t.Errorf("%s: ForPerson and ForStaff do not go back and forth", lang)
		}
		res := person.Validate(caseData, answers, ValidateOptions{})
		if !res.Valid() {
			t.Errorf("%s: the person cannot submit without the staff's answers: %v", lang, res.Errors)
		}
		b, _ := json.Marshal(res.Submission)
		if strings.Contains(string(b), "Assessment") || strings.Contains(string(b), "Known to the police") || strings.Contains(string(b), "typed by") {
			t.Errorf("%s: the person's submission holds a staff-only answer: %s", lang, b)
		}
		if _, ok := person.SubmissionSchema()["properties"].(map[string]any)["values"].(map[string]any)["properties"].(map[string]any)["decision"]; ok {
			t.Errorf("%s: the person's submission schema describes a staff-only question", lang)
		}
	}
	// Staff see every answer, the prefilled note worked out from the case data, never what was posted.
	res := form.Validate(caseData, answers, ValidateOptions{})
	if got := res.Submission.Values["decision"]; got != "Assessment" {
		t.Errorf("staff's decision = %v", got)
	}
	if got := res.Submission.Values["council_note"]; got != "Known to the police" {
		t.Errorf("staff's prefilled note = %v", got)
	}
	props := form.SubmissionSchema()["properties"].(map[string]any)["values"].(map[string]any)
	if props["properties"].(map[string]any)["decision"].(map[string]any)["x-visibleTo"] != VisibleToStaff {
		t.Errorf("the submission schema does not mark the staff-only question: %v", props["properties"])
	}
	for _, id := range props["required"].([]any) {
		if id == "decision" {
			t.Error("the submission schema requires a staff-only answer the person submits without")
		}
	}
}
