package engine

import (
	"encoding/json"
	"strings"
	"testing"
)

const groupsForm = `
id: contacts
title: Contacts
version: 1
kind: delegation
audience: [professional]
scope: child
caseData:
  type: object
  properties:
    sender: { type: object, properties: { name: { type: string } } }
groups:
  contact:
    fields:
      - { id: name, type: text, label: Full name, required: true }
      - { id: has_email, type: yesno, label: Email?, name: whether they have an email address }
      - { id: email, type: email, label: Email address, required: true, showWhen: { field: has_email, equals: "yes" } }
sections:
  - id: you
    title: Your details
    fields:
      - { id: referrer, use: contact, whose: your, prefills: { name: sender.name } }
      - { id: has_manager, type: yesno, label: Do you have a manager?, name: whether you have a manager }
      - { id: manager, use: contact, whose: "your manager's", showWhen: { field: has_manager, equals: "yes" } }
      - id: others
        type: list
        label: Others
        fields:
          - { id: other, use: contact }
`

func TestGroupsExpandIntoPrefixedQuestions(t *testing.T) {
	form, diags := Load("contacts.yaml", []byte(groupsForm))
	if form == nil || len(diags) > 0 {
		t.Fatalf("does not load cleanly: %v", diags)
	}
	var ids []string
	for _, fd := range form.Sections[0].Fields {
		ids = append(ids, fd.ID)
	}
	if got, want := strings.Join(ids, " "), "referrer_name referrer_has_email referrer_email has_manager manager_name manager_has_email manager_email others"; got != want {
		t.Fatalf("fields = %s, want %s", got, want)
	}
	if got := form.Field("referrer_name").Prefill; got != "sender.name" {
		t.Errorf("referrer_name prefill = %q", got)
	}
	if form.Field("manager_name").Prefill != "" {
		t.Error("a use's prefill reached another use")
	}
	if c := form.Field("others").Child("other_email"); c == nil || c.ShowWhen.Field != "other_has_email" {
		t.Errorf("the list's use was not expanded with its condition prefixed: %+v", c)
	}
	caseData := map[string]any{"sender": map[string]any{"name": "Sam"}}
	res := form.Validate(caseData, Answers{Values: map[string]any{
		"referrer_has_email": "yes", "has_manager": "yes", "manager_has_email": "no",
		"others": []any{map[string]any{"other_name": "Ann", "other_has_email": "yes"}},
	}}, ValidateOptions{})
	var got []string
	for _, e := range res.Errors {
		got = append(got, e.Path+": "+e.Message)
	}
	want := []string{
		"referrer_name: Enter your full name",
		"referrer_email: Enter your email address",
		"manager_name: Enter your manager's full name",
		"others[0].other_email: Enter email address for item 1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The manager's questions are asked only when there is one.
	res = form.Validate(caseData, Answers{Values: map[string]any{"referrer_name": "Sam", "referrer_has_email": "no", "has_manager": "no", "manager_name": "Kim"}}, ValidateOptions{})
	if len(res.Errors) != 0 || res.Submission.Values["manager_name"] != nil {
		t.Errorf("the use's condition did not hide its questions: %v %v", res.Errors, res.Submission.Values)
	}
	raw, _ := json.Marshal(form.SubmissionSchema())
	for _, p := range []string{`"referrer_email"`, `"manager_has_email"`, `"other_name"`} {
		if !strings.Contains(string(raw), p) {
			t.Errorf("the submission schema has no %s", p)
		}
	}
}
