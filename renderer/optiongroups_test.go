package renderer

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"formportal/engine"
)

const groupedForm = `
id: grouped
title: Grouped
version: 1
kind: delegation
audience: [professional]
scope: child
optionLists:
  ethnicity:
    - group: White
      options:
        - { value: irish, label: Irish }
        - { value: roma, label: Roma }
    - group: Other ethnic group
      options:
        - { value: arab, label: Arab }
    - { value: not_known, label: Not known }
sections:
  - id: child
    title: The child
    fields:
      - { id: ethnicity, type: radios, label: Ethnicity, optionList: ethnicity }
      - { id: mother, type: select, label: Mother, optionList: ethnicity }
      - { id: father, type: checkboxes, label: Father, optionList: ethnicity }
`

func renderSection(t *testing.T, src string, values map[string]any) string {
	t.Helper()
	form, diags := engine.Load("grouped.yaml", []byte(src))
	if form == nil {
		t.Fatal(diags)
	}
	var buf bytes.Buffer
	if err := Fields(BuildSection(SectionInput{Section: form.Sections[0], Values: values})).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestOptionGroupsRendered: radios and checkboxes under headings are fieldsets of their own inside the
// question's, ids numbered across the question, one name; a select's headings are optgroups.
func TestOptionGroupsRendered(t *testing.T) {
	html := renderSection(t, groupedForm, map[string]any{"ethnicity": "arab", "mother": "roma"})
	for _, want := range []string{
		`<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">White</legend>`,
		`<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Other ethnic group</legend>`,
		`id="ethnicity-3" name="ethnicity" type="radio" value="arab" checked`,
		`id="ethnicity-4" name="ethnicity" type="radio" value="not_known"`,
		`<optgroup label="White"><option value="irish">Irish</option><option value="roma" selected>Roma</option></optgroup>`,
		`<optgroup label="Other ethnic group"><option value="arab">Arab</option></optgroup><option value="not_known">Not known</option>`,
		`id="father-2" name="father" type="checkbox" value="roma"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in\n%s", want, html)
		}
	}
	// Radios: the question's fieldset, then one per heading.
	if n := len(regexp.MustCompile(`<fieldset class="govuk-fieldset`).FindAllString(html, -1)); n != 2*3 {
		t.Errorf("%d fieldsets, want 6 (radios and checkboxes: the question's and two groups each)", n)
	}
}
