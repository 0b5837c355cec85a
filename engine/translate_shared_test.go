package engine

import (
	"os"
	"regexp"
	"testing"
)

// TestSharedDefinitionsTranslatedOnce: the Welsh of an option list's choices and headings and of a question
// group's questions, written once where they are defined (inline or in the parallel file), reaches every
// question made from them; a use's own translation and its own hint win over the definition's.
func TestSharedDefinitionsTranslatedOnce(t *testing.T) {
	data, err := os.ReadFile("../testdata/lint/shared-translation.yaml")
	if err != nil {
		t.Fatal(err)
	}
	parallel, err := os.ReadFile("../testdata/lint/shared-translation.cy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Without the fixture's stale key (an error, which keeps the form from loading).
	parallel = regexp.MustCompile(`(?m)^ *maybe:.*\n`).ReplaceAll(parallel, nil)
	f, diags := LoadTranslated("shared-translation.yaml", data, TranslationFile{File: "shared-translation.cy.yaml", Lang: "cy", Data: parallel})
	if f == nil {
		t.Fatalf("does not load: %v", diags)
	}

	cy := f.In("cy")
	for _, use := range []string{"carer", "parent"} {
		known := cy.Field(use + "_known")
		groups := known.Options.Groups()
		checks := map[string][2]string{
			"inline option":   {known.OptionLabel("yes"), "Ydw"},
			"parallel option": {known.OptionLabel("unsure"), "Ddim yn siŵr"},
			"untranslated":    {known.OptionLabel("no"), "No"},
			"inline heading":  {groups[0].Heading, "Pendant"},
			"parallel head":   {groups[1].Heading, "Ansicr"},
			"group question":  {known.Label, "Ydych chi’n eu hadnabod?"},
		}
		for what, c := range checks {
			if c[0] != c[1] {
				t.Errorf("%s: %s = %q, want %q", use, what, c[0], c[1])
			}
		}
	}
	if got := cy.Field("carer_name").Label; got != "Enw llawn y gofalwr" {
		t.Errorf("a use's own translation: %q", got)
	}
	if got := cy.Field("parent_name").Label; got != "Enw llawn" {
		t.Errorf("the group's translation at the second use: %q", got)
	}
	// parent's hint is its own, with no Welsh: it stays in English rather than taking the group's.
	if got := cy.Field("parent_name").Hint; got != "Their usual name" {
		t.Errorf("a use's own hint in Welsh reads %q", got)
	}
	if got := f.Field("carer_known").OptionLabel("yes"); got != "Yes" {
		t.Errorf("the English form changed: %q", got)
	}
	// The skeleton of the parallel file lists each shared text once, where it is defined.
	keys := map[string]int{}
	for _, x := range f.Texts("cy") {
		keys[x.Key]++
	}
	for _, k := range []string{"optionLists.answer.1.group", "optionLists.answer.no.label", "groups.contact.fields.name.hint", "sections.people.fields.parent_name.hint"} {
		if keys[k] != 1 {
			t.Errorf("Texts lists %s %d times, want once", k, keys[k])
		}
	}
	for _, k := range []string{"sections.people.fields.carer_known.options.yes.label", "sections.people.fields.parent_name.label"} {
		if keys[k] != 0 {
			t.Errorf("Texts lists the copy %s", k)
		}
	}
}
