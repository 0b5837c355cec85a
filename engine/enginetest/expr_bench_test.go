package enginetest

import (
	"io/fs"
	"regexp"
	"testing"

	"formportal/engine"
	"formportal/forms"
)

// withoutExpressions is a form's definition with its computed values and rules taken out: the same form
// as it was before expressions, the reference beside which their cost is measured.
var (
	rulesBlock    = regexp.MustCompile(`(?m)^ *rules:\n(?:^ *(?:- |#|  ).*\n)+`)
	computedBlock = regexp.MustCompile(`(?m)^ {10}- id: age\n(?:^ {12}.*\n)+`)
)

func loadReferral(b *testing.B, strip bool) *engine.Form {
	b.Helper()
	data, err := fs.ReadFile(forms.FS(), "early-help-request.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if strip {
		data = computedBlock.ReplaceAll(rulesBlock.ReplaceAll(data, nil), nil)
	}
	f, diags := engine.Load("early-help-request.yaml", data)
	if f == nil {
		b.Fatalf("the referral does not load: %v", diags)
	}
	return f
}

// BenchmarkReferralExpressions validates a realistic Early Help request (three children with their
// ages worked out, three adults, the telephone and consent rules), beside the same form without its
// computed values and rules (reference): the difference is what the expressions cost.
func BenchmarkReferralExpressions(b *testing.B) {
	for _, c := range []struct {
		name  string
		strip bool
	}{{"with", false}, {"reference", true}} {
		b.Run(c.name, func(b *testing.B) {
			form := loadReferral(b, c.strip)
			caseData := CaseData(form, 3)
			answers := Answers(form, caseData, 3, today)
			res := form.Validate(caseData, answers, engine.ValidateOptions{Today: today})
			if !res.Valid() {
				b.Fatalf("sample answers invalid: %v", res.Errors)
			}
			if _, computed := res.Sections[2].Computed["children_in_family[0].age"]; computed == c.strip {
				b.Fatalf("computed values %v with the expressions stripped %v", res.Sections[2].Computed, c.strip)
			}
			b.ReportAllocs()
			for b.Loop() {
				form.Validate(caseData, answers, engine.ValidateOptions{Today: today})
			}
		})
	}
}

// The Early Help request's rules give their messages in the language of the form, and its consent
// gate stops a request without consent.
func TestReferralRulesInWelsh(t *testing.T) {
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	form := lib.Get("early-help-request")
	caseData := CaseData(form, 3)
	answers := Answers(form, caseData, 3, today)
	answers.Values["family_consent"] = "no"
	for lang, want := range map[string]string{"en": "You cannot send this request until the family has agreed to it",
		"cy": "Ni allwch anfon y cais hwn nes bod y teulu wedi cytuno iddo"} {
		res := form.In(lang).Validate(caseData, answers, engine.ValidateOptions{Today: today})
		found := false
		for _, e := range res.Errors {
			found = found || e.Path == "family_consent" && e.Message == want
		}
		if !found {
			t.Errorf("%s: errors %v, want %q at family_consent", lang, res.Errors, want)
		}
	}
}
