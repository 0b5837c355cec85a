package engine

import (
	"os"
	"testing"
)

const submitterForm = `id: report
title: Report
version: 1
kind: delegation
audience: [professional]
scope: child
caseData:
  type: object
  properties:
    child: { type: object, properties: { name: { type: string } } }
sections:
  - id: you
    title: Your details
    delegable: true
    fields:
      - { id: name, type: text, label: Your name, prefill: submitter.name, maxLength: 20 }
      - { id: email, type: email, label: Your email address, prefill: submitter.email }
      - { id: organisation, type: text, label: Your organisation, prefill: submitter.organisation, pattern: "[A-Za-z ]+" }
      - { id: telephone, type: phone, label: Your telephone number, prefill: submitter.telephone }
      - { id: signed, type: signature, label: Signature, prefill: submitter.name }
`

// TestFillSubmitterLeavesWhatTheQuestionRefuses: an account's details the question would refuse are not
// filled (they would be errors on a page nobody touched); what it accepts is filled as it keeps it.
func TestFillSubmitterLeavesWhatTheQuestionRefuses(t *testing.T) {
	form, diags := Load("f.yaml", []byte(submitterForm))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for name, tc := range map[string]struct {
		s    Submitter
		want map[string]any
	}{
		"accepted, the telephone kept as digits": {
			Submitter{Name: "Rose Berry", Email: "rose@school.example", Organisation: "Cherwell School", Telephone: "+44 (0)1632 960 001"},
			map[string]any{"name": "Rose Berry", "email": "rose@school.example", "organisation": "Cherwell School", "telephone": "01632960001", "signed": "Rose Berry"},
		},
		"a telephone with letters": {
			Submitter{Name: "Rose Berry", Email: "rose@school.example", Organisation: "Cherwell School", Telephone: "01632 960001 ext 4"},
			map[string]any{"name": "Rose Berry", "email": "rose@school.example", "organisation": "Cherwell School", "signed": "Rose Berry"},
		},
		"a name too long and an organisation off the pattern": {
			Submitter{Name: "Rosalind Evangeline Berry", Email: "rose@school.example", Organisation: "St. Mary's", Telephone: "07700900982"},
			map[string]any{"email": "rose@school.example", "telephone": "07700900982", "signed": "Rosalind Evangeline Berry"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			var a Answers
			if !form.FillSubmitter(&a, tc.s, nil) {
				t.Fatal("filled nothing")
			}
			if len(a.Values) != len(tc.want) {
				t.Errorf("filled %v, want %v", a.Values, tc.want)
			}
			for id, want := range tc.want {
				if got := a.Values[id]; got != want {
					t.Errorf("%s is %#v, want %#v", id, got, want)
				}
			}
			res := form.Validate(nil, a, ValidateOptions{})
			for _, e := range res.Errors {
				if e.Kind != "required" {
					t.Errorf("what was filled has an error: %+v", e)
				}
			}
		})
	}
}

// TestReferralPrefillLeavesWhatTheQuestionRefuses: a referral starts prefilled from the person's account
// the same way: the telephone number the question refuses is left for them, an accepted one kept as digits.
func TestReferralPrefillLeavesWhatTheQuestionRefuses(t *testing.T) {
	data, err := os.ReadFile("../forms/safeguarding-concern.yaml")
	if err != nil {
		t.Fatal(err)
	}
	form, diags := Load("safeguarding-concern.yaml", data)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for phone, want := range map[string]any{"01632 960001 ext 4": nil, "+44 7700 900982": "07700900982"} {
		a, errs := form.Prefill(ReferralCaseData(Submitter{Type: AudiencePublic, Name: "Sam Jones", Email: "sam@example.org", Telephone: phone}))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if got := a.Values["public_telephone"]; got != want {
			t.Errorf("an account's telephone %q prefills %#v, want %#v", phone, got, want)
		}
		if got := a.Values["public_email"]; got != "sam@example.org" {
			t.Errorf("the email is %#v", got)
		}
	}
}
