package renderer

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"formportal/engine"
)

const requiredWhenForm = `id: referral
title: Referral
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: child
    title: The child
    fields:
      - { id: attends, type: yesno, label: Does the child go to school? }
      - { id: school, type: text, label: Name of the school, requiredWhen: attends }
      - { id: dob, type: date, label: Date of birth }
      - { id: nursery, type: text, label: Name of the nursery, requiredWhen: "answered(dob) && age(dob) < 5" }
`

// A question with requiredWhen is marked * while it applies: the server marks it as it draws the page,
// and the script gets the condition when it can work it out (yes/no, comparisons), not otherwise (an age).
func TestRequiredWhenMarked(t *testing.T) {
	form, diags := engine.Load("f.yaml", []byte(requiredWhenForm))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	s := form.Section("child")
	draw := func(vals map[string]any) (string, map[string]string) {
		res := form.Validate(nil, engine.Answers{Values: vals}, engine.ValidateOptions{Today: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)})
		var b bytes.Buffer
		if err := Fields(BuildSection(SectionInput{Section: s, Values: vals, RequiredNow: res.Sections[0].RequiredNow})).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		// Each question's label, with whether its * shows.
		marks := map[string]string{}
		for _, m := range regexp.MustCompile(`(?s)<label class="govuk-label govuk-label--s" for="(\w+)">.*?</label>`).FindAllStringSubmatch(b.String(), -1) {
			switch {
			case strings.Contains(m[0], "data-required-when") && strings.Contains(m[0], " hidden"):
				marks[m[1]] = "script, hidden"
			case strings.Contains(m[0], "data-required-when"):
				marks[m[1]] = "script, shown"
			case strings.Contains(m[0], `class="app-required"`):
				marks[m[1]] = "shown"
			default:
				marks[m[1]] = "none"
			}
		}
		return b.String(), marks
	}
	page, marks := draw(map[string]any{})
	if marks["school"] != "script, hidden" || marks["nursery"] != "none" {
		t.Errorf("unanswered: %v", marks)
	}
	if !strings.Contains(page, `data-required-when="{&#34;name&#34;:&#34;attends&#34;,&#34;type&#34;:&#34;yesno&#34;,&#34;equals&#34;:&#34;yes&#34;}"`) {
		t.Errorf("the school's condition is not given to the script:\n%s", page)
	}
	_, marks = draw(map[string]any{"attends": "yes", "dob": "2023-01-01"})
	if marks["school"] != "script, shown" || marks["nursery"] != "shown" {
		t.Errorf("a 3 year old at school: %v", marks)
	}
	_, marks = draw(map[string]any{"attends": "no", "dob": "2016-01-01"})
	if marks["school"] != "script, hidden" || marks["nursery"] != "none" {
		t.Errorf("a 10 year old not at school: %v", marks)
	}
}
