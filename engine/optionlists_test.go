package engine

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const optionListsForm = `
id: lists
title: Lists
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
      - { id: mother, type: select, label: Mother, optionList: ethnicity }
      - { id: father, type: radios, label: Father, optionList: ethnicity }
      - id: own
        type: checkboxes
        label: Own
        options:
          - { value: a, label: A }
          - group: Heading
            options: [ { value: b, label: B } ]
`

func TestOptionListsAndGroups(t *testing.T) {
	form, diags := Load("lists.yaml", []byte(optionListsForm))
	if form == nil || len(diags) > 0 {
		t.Fatalf("does not load cleanly: %v", diags)
	}
	for _, id := range []string{"mother", "father"} {
		fd := form.Field(id)
		var got []string
		for _, o := range fd.Options {
			got = append(got, o.Group+":"+o.Value)
		}
		if want := "White:irish White:roma Other ethnic group:arab :not_known"; strings.Join(got, " ") != want {
			t.Errorf("%s options = %q, want %q", id, strings.Join(got, " "), want)
		}
	}
	groups := form.Field("father").Options.Groups()
	if len(groups) != 3 || groups[1].Heading != "Other ethnic group" || groups[1].First != 2 || groups[2].Heading != "" {
		t.Errorf("groups = %+v", groups)
	}
	if own := form.Field("own").Options; !own.Grouped() || own[1].Group != "Heading" || own[0].Group != "" {
		t.Errorf("own options = %+v", own)
	}
	res := form.Validate(nil, Answers{Values: map[string]any{"mother": "roma", "father": "white", "own": []any{"b"}}}, ValidateOptions{})
	if len(res.Errors) != 1 || res.Errors[0].Path != "father" {
		t.Fatalf("errors = %+v, want one for father (white is no option)", res.Errors)
	}
	raw, _ := json.Marshal(form.SubmissionSchema())
	if !strings.Contains(string(raw), `"enum":["irish","roma","arab","not_known"]`) {
		t.Errorf("the submission schema does not list the shared list's values: %s", raw)
	}
}

// TestOptionGroupsInWelsh: the bundled forms' ethnic group headings and fixed rows' labels are translated.
func TestOptionGroupsInWelsh(t *testing.T) {
	forms, diags, err := LoadFS(os.DirFS("../forms"), ".")
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags)
	}
	for _, f := range forms {
		cy := f.In("cy")
		switch f.ID {
		case "safeguarding-concern":
			if o := cy.Field("child_ethnicity").Options[0]; o.Group != "Asiaidd, Asiaidd Cymreig neu Asiaidd Prydeinig" || o.Label != "Bangladeshaidd" {
				t.Errorf("child_ethnicity in Welsh: %+v", o)
			}
		case "early-help-request":
			if l := cy.Field("key_professionals").FixedRows[0].Label; l != "Meddyg teulu" {
				t.Errorf("the GP row in Welsh: %q", l)
			}
		}
	}
}
