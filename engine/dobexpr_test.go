package engine

import (
	"strings"
	"testing"
	"time"
)

const dobExprForm = `id: referral
title: Referral
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: child
    title: The child
    fields:
      - { id: dob, type: dateOfBirth, label: Date of birth, required: true }
      - { id: age, type: computed, label: Age, result: number, integer: true, expr: age(dob) }
      - { id: under_five, type: computed, label: Under 5 or unborn, result: yesno, expr: "unborn(dob) || age(dob) < 5" }
      - { id: school, type: text, label: School, requiredWhen: "born(dob) && age(dob) >= 5" }
      - id: household
        type: list
        label: Household
        fields:
          - { id: name, type: text, label: Name }
          - { id: dob, type: dateOfBirth, label: Date of birth }
      - { id: adults, type: computed, label: Adults, result: number, integer: true, expr: "size(household.filter(p, answered(p.dob) && !unborn(p.dob) && age(p.dob) >= 18))" }
`

// age() of a date of birth: a born child's age, the approximate age of a child whose date of birth is not
// known, and no result for an unborn child (as an unanswered question), whom born() and unborn() tell apart.
func TestAgeOfADateOfBirth(t *testing.T) {
	form, diags := Load("f.yaml", []byte(dobExprForm))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	today := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	household := []any{
		map[string]any{"name": "Mum", "dob": map[string]any{"status": "born", "date": "1990-01-01"}},
		map[string]any{"name": "Baby", "dob": map[string]any{"status": "unborn", "dueDate": "2026-06-01"}},
		map[string]any{"name": "Older brother", "dob": map[string]any{"status": "unknown", "approximateAge": "20"}},
	}
	for name, tc := range map[string]struct {
		dob            map[string]any
		age, underFive any
		schoolRequired bool
		wantAdults     any
		household      []any
	}{
		"born, 9":       {map[string]any{"status": "born", "date": "2016-03-05"}, float64(9), "no", true, float64(2), household},
		"born, 10":      {map[string]any{"status": "born", "date": "2016-03-04"}, float64(10), "no", true, nil, nil},
		"unborn":        {map[string]any{"status": "unborn", "dueDate": "2026-08-01"}, nil, "yes", false, nil, nil},
		"unknown, 3":    {map[string]any{"status": "unknown", "approximateAge": "3"}, float64(3), "yes", false, nil, nil},
		"born, 2 today": {map[string]any{"status": "born", "date": "2024-03-04", "estimated": "yes"}, float64(2), "yes", false, nil, nil},
	} {
		vals := map[string]any{"dob": tc.dob}
		if tc.household != nil {
			vals["household"] = tc.household
		}
		res := form.Validate(nil, Answers{Values: vals}, ValidateOptions{Today: today})
		if got := res.Submission.Values["age"]; got != tc.age {
			t.Errorf("%s: age %v, want %v", name, got, tc.age)
		}
		if got := res.Submission.Values["under_five"]; got != tc.underFive {
			t.Errorf("%s: under five %v, want %v", name, got, tc.underFive)
		}
		required := false
		for _, e := range res.Errors {
			required = required || e.Path == "school"
		}
		if required != tc.schoolRequired {
			t.Errorf("%s: school required %v, want %v (%v)", name, required, tc.schoolRequired, res.Errors)
		}
		if tc.wantAdults != nil && res.Submission.Values["adults"] != tc.wantAdults {
			t.Errorf("%s: adults %v, want %v", name, res.Submission.Values["adults"], tc.wantAdults)
		}
	}
}

// A date of birth is not a date: formlint refuses comparing it with one, and says what to write.
func TestDateOfBirthIsTypeChecked(t *testing.T) {
	src := strings.Replace(dobExprForm, "expr: age(dob) }", "expr: \"dob > today() ? 1 : 0\" }", 1)
	_, diags := Load("f.yaml", []byte(src))
	var all strings.Builder
	for _, d := range diags {
		all.WriteString(d.String() + "\n")
	}
	if !strings.Contains(all.String(), "comparing with > cannot be used on a date of birth and a date") {
		t.Fatalf("comparing a date of birth with a date: %v", diags)
	}
}
