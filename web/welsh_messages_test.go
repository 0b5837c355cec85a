package web

import (
	"strings"
	"testing"
)

// TestReferralErrorsInWelsh: a page of a referral posted in Welsh, as Chromium posts it (multipart), comes
// back with the GOV.UK error summary and every message in Welsh, in the summary and beside its question,
// and what was typed kept. The fixture form has no Welsh translation, so its labels stay as written.
func TestReferralErrorsInWelsh(t *testing.T) {
	e, _ := newDelegationEnv(t)
	b, id := startConcern(t, e, "cymraeg@example.org")
	page := "/referrals/" + id + "/pages/concern"
	b.get(page + "?lang=cy").see("Nesaf")
	section := e.app.forms.Get("concern").Section("concern")
	values := map[string]any{
		"categories":     []any{"physical", "neglect", "emotional", "other"}, // maxSelected: 3; other needs its detail
		"children_count": "2.5",
		"risk":           "high",
		"risk_detail":    strings.Repeat("a", 201), // maxLength: 200
	}
	b.postParts(page, browserParts(b, section, values, nil, "next"))
	inWelsh(t, b, "concern page with errors")
	want := []string{
		"Dewiswch ddim mwy na 3 opsiwn yn y maes “the concern”",
		"Rhowch ateb yn y maes “the other concern”",
		"Rhaid i’r ateb yn y maes “the number of children in the home” fod yn rhif cyfan",
		"Rhaid i’r ateb yn y maes “details of the risk” fod yn 200 nod neu lai",
	}
	summary := between(t, b.last, `class="govuk-error-summary"`, "</div>\n</div>")
	for _, msg := range want {
		if !strings.Contains(summary, ">"+msg+"</a>") {
			t.Errorf("the error summary has no link %q:\n%s", msg, summary)
		}
		if !strings.Contains(b.last, `<span class="govuk-visually-hidden">Gwall:</span> `+msg) {
			t.Errorf("no error message %q beside its question", msg)
		}
	}
	b.see("Mae problem wedi codi", "2.5")
	for _, english := range []string{"Select no more than", "Enter the other concern", "must be", "There is a problem"} {
		if strings.Contains(b.last, english) {
			t.Errorf("English %q on the Welsh page", english)
		}
	}

	// The same page in English says it in English.
	b.get(page + "?lang=en")
	b.postParts(page, browserParts(b, section, values, nil, "next"))
	b.see("There is a problem", "Select no more than 3 options for the concern", "Enter the other concern",
		"The number of children in the home must be a whole number", "Tell us about the risk must be 200 characters or fewer")
}

// between is the part of s from the first from to the next to after it.
func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		t.Fatalf("no %q in the page", from)
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}
