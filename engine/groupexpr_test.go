package engine

import (
	"strings"
	"testing"
)

const groupExprForm = `id: referral
title: Referral
version: 1
kind: delegation
audience: [professional]
scope: child
groups:
  contact:
    fields:
      - { id: name, type: text, label: Full name }
      - { id: home, type: phone, label: Home telephone number }
      - { id: mobile, type: phone, label: Mobile telephone number, requiredWhen: "answered(name) && !answered(home)" }
      - { id: reachable, type: computed, label: Can be telephoned, result: yesno, expr: "answered(home) || answered(mobile)" }
      - { id: times, type: text, label: Best times to call, showWhen: { expr: "answered(mobile)", text: there is a mobile number } }
sections:
  - id: people
    title: People
    fields:
      - { id: name, type: text, label: Your own name }
      - { id: parent, use: contact }
      - { id: carer, use: contact }
`

// An expression in a group's question names the questions of the same use: parent_home for the parent,
// carer_home for the carer, whatever the other use and the form's own questions of the same id hold.
func TestGroupExpressionsNameTheirUsesQuestions(t *testing.T) {
	form, diags := Load("f.yaml", []byte(groupExprForm))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := form.Field("carer_reachable").computed.Names; strings.Join(got, ",") != "carer_home,carer_mobile" {
		t.Errorf("carer_reachable names %v", got)
	}
	res := form.Validate(nil, Answers{Values: map[string]any{
		"name":        "Sam", // the form's own name: not the group's
		"parent_name": "Ann Smith", "parent_home": "01632960001",
		"carer_name": "Bo Jones",
	}}, ValidateOptions{})
	var paths []string
	for _, e := range res.Errors {
		paths = append(paths, e.Path)
	}
	if strings.Join(paths, ",") != "carer_mobile" {
		t.Errorf("errors at %v, want the carer's mobile only (the parent gave a home number)", paths)
	}
	vals := res.Submission.Values
	if vals["parent_reachable"] != "yes" || vals["carer_reachable"] != "no" {
		t.Errorf("reachable: parent %v, carer %v", vals["parent_reachable"], vals["carer_reachable"])
	}
	res = form.Validate(nil, Answers{Values: map[string]any{"carer_name": "Bo Jones", "carer_mobile": "07700900982", "carer_times": "Evenings",
		"parent_times": "Mornings"}}, ValidateOptions{})
	if res.Submission.Values["carer_times"] != "Evenings" {
		t.Errorf("the carer's times, shown on the carer's mobile, were dropped: %v", res.Submission.Values)
	}
	if _, ok := res.Submission.Values["parent_times"]; ok {
		t.Error("the parent's times were kept though the parent has no mobile number")
	}
}
