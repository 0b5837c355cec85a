package engine

import (
	"testing"
	"time"
)

const signatureForm = `id: report
title: Report
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: sign
    title: Sign the report
    fields:
      - { id: signed, type: signature, label: Signature of the person completing the report, required: true }
      - { id: countersigned, type: signature, label: Countersignature }
`

func TestSignatureIsNameAndDate(t *testing.T) {
	form, diags := Load("f.yaml", []byte(signatureForm))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	today := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	check := func(vals map[string]any) Result {
		return form.Validate(nil, Answers{Values: vals}, ValidateOptions{Today: today})
	}
	messages := func(res Result) map[string]string {
		out := map[string]string{}
		for _, e := range res.Errors {
			out[e.Path] = e.Message
		}
		return out
	}
	for name, tc := range map[string]struct {
		vals map[string]any
		want map[string]string
	}{
		"no name, only today's date as the page shows it": {map[string]any{"signed": map[string]any{"name": " ", "day": "1", "month": "12", "year": "2026"},
			"countersigned": map[string]any{"day": "1", "month": "12", "year": "2026"}}, map[string]string{"signed": "Enter your full name"}},
		"a date in the future": {map[string]any{"signed": map[string]any{"name": "Jane Smith", "day": "2", "month": "12", "year": "2026"}},
			map[string]string{"signed": "The date signed must be today or in the past"}},
		"not a date": {map[string]any{"signed": map[string]any{"name": "Jane Smith", "day": "31", "month": "2", "year": "2026"}},
			map[string]string{"signed": "The date signed must be a real date"}},
		"signed": {map[string]any{"signed": map[string]any{"name": "Jane Smith", "day": "30", "month": "11", "year": "2026"}}, map[string]string{}},
	} {
		res := check(tc.vals)
		got := messages(res)
		if len(got) != len(tc.want) {
			t.Errorf("%s: errors %v, want %v", name, got, tc.want)
		}
		for p, m := range tc.want {
			if got[p] != m {
				t.Errorf("%s: %s: %q, want %q", name, p, got[p], m)
			}
		}
	}
	// No date is today; the answer is one thing everywhere.
	res := check(map[string]any{"signed": map[string]any{"name": "  Jane Smith ", "day": "", "month": "", "year": ""}})
	sig := res.Submission.Values["signed"].(map[string]any)
	if sig["name"] != "Jane Smith" || sig["date"] != "2026-12-01" {
		t.Fatalf("signature as submitted: %v", sig)
	}
	if _, ok := res.Submission.Values["countersigned"]; ok {
		t.Error("an unsigned optional signature is in the submission")
	}
	fd := form.Field("signed")
	if got := fd.FormatAnswer(sig, nil); len(got) != 1 || got[0] != "Signed by Jane Smith on 1 December 2026" {
		t.Errorf("FormatAnswer = %q", got)
	}
	s := form.SubmissionSchema()["properties"].(map[string]any)["values"].(map[string]any)["properties"].(map[string]any)["signed"].(map[string]any)
	if s["type"] != "object" || s["properties"].(map[string]any)["date"].(map[string]any)["format"] != "date" {
		t.Errorf("submission schema of a signature: %v", s)
	}
}

func TestSignatureInWelsh(t *testing.T) {
	form, diags := Load("f.yaml", []byte(signatureForm+"cy: { title: Adroddiad }\n"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	// The form has Welsh for its title only: the fixed words of the answer are Welsh all the same.
	cy := form.In("cy")
	if cy == form {
		t.Fatal("no Welsh copy")
	}
	got := cy.Field("signed").FormatAnswer(map[string]any{"name": "Siân Jones", "date": "2026-12-01"}, nil)
	if len(got) != 1 || got[0] != "Llofnodwyd gan Siân Jones ar 1 Rhagfyr 2026" {
		t.Errorf("in Welsh: %q", got)
	}
}
