package engine

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

const repeatFixture = "../testdata/valid/repeat/form.yaml"

func child(id, first, last string) map[string]any {
	return map[string]any{ItemIDKey: id, "first_name": first, "last_name": last}
}

// Each answered item with an id is a repetition, in the list's order, titled from the item; an item
// without an id, a blank one and one past maxItems are not.
func TestRepetitionsFollowTheList(t *testing.T) {
	form := loadClean(t, repeatFixture)
	s := form.Section("about_child")
	items := []any{child("ia", "Amy", "Smith"), map[string]any{ItemIDKey: "iblank"}, map[string]any{"first_name": "No id"},
		child("ib", "", "Jones"), child("ia", "Twice", "Same id")}
	for i := 0; i < 8; i++ {
		items = append(items, child("ix"+string(rune('a'+i)), "Extra", "Child"))
	}
	reps := form.Repetitions(s, nil, Answers{Values: map[string]any{"children": items}})
	if len(reps) != 6 { // maxItems
		t.Fatalf("got %d repetitions, want the list's maximum of 6: %+v", len(reps), reps)
	}
	var got []string
	for _, r := range reps[:2] {
		got = append(got, r.ID+"|"+r.Name+"|"+r.Title)
	}
	if want := []string{"ia|Amy Smith|About Amy Smith", "ib|Jones|About Jones"}; !slices.Equal(got, want) {
		t.Errorf("first repetitions = %q, want %q", got, want)
	}
	if got := form.Repetitions(form.Section("family"), nil, Answers{Values: map[string]any{"children": items}}); got != nil {
		t.Errorf("a section asked once has repetitions: %+v", got)
	}
}

// Removing an item removes its repeated answers and its page's visit; a child of the case data's, and
// answers given to items still there, stay; the answers given are not changed.
func TestDropRemovedItems(t *testing.T) {
	form := loadClean(t, repeatFixture)
	a := Answers{
		Values: map[string]any{"children": []any{child("ia", "Amy", "Smith")}},
		Children: map[string]map[string]any{
			"ia": {"school": "Hill"},
			"ib": {"school": "Removed child's school", "worries": "Bruises"},
		},
		Visited: []string{"family", "about_child/ia", "about_child/ib"},
	}
	before, _ := json.Marshal(a)
	got := form.DropRemovedItems(nil, a)
	if _, kept := got.Children["ib"]; kept {
		t.Errorf("the removed item's answers were kept: %v", got.Children)
	}
	if got.Children["ia"]["school"] != "Hill" {
		t.Errorf("the remaining item's answers went: %v", got.Children)
	}
	if !slices.Equal(got.Visited, []string{"family", "about_child/ia"}) {
		t.Errorf("visited = %v", got.Visited)
	}
	if after, _ := json.Marshal(a); string(after) != string(before) {
		t.Errorf("the answers given were changed:\n%s\n%s", before, after)
	}
}

// An item of a list inside a list is checked on its own with messages and paths naming both levels.
func TestValidateRowInNamesBothLevels(t *testing.T) {
	form := loadClean(t, repeatFixture)
	household := form.Field("household")
	agencies := household.Child("agencies")
	outer := RowAt{Field: household, Index: 2, Row: map[string]any{"name": "Sam Smith"}}
	errs := form.ValidateRowIn(nil, Answers{Values: map[string]any{}}, "", &outer,
		RowAt{Field: agencies, Index: 1, Row: map[string]any{"role": "Officer", "contact": "12"}}, ValidateOptions{})
	var got []string
	for _, e := range errs {
		got = append(got, e.Path+": "+e.Message)
	}
	want := []string{
		"household[2].agencies[1].name: Enter the agency name for agency 2 of household member 3",
		"household[2].agencies[1].contact: Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192 for agency 2 of household member 3",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A repeated section's answers are anonymised like a per-child section's, and an inner list's sensitive
// fields like any list's.
func TestAnonymiseNestedAndRepeated(t *testing.T) {
	form := loadClean(t, repeatFixture)
	a := Answers{Values: map[string]any{"household": []any{map[string]any{"name": "Jo", "agencies": []any{
		map[string]any{"name": "Police", "contact": "01632960001"}}}}}}
	form.Anonymise(a)
	member := a.Values["household"].([]any)[0].(map[string]any)
	agency := member["agencies"].([]any)[0].(map[string]any)
	if _, kept := member["name"]; kept {
		t.Errorf("the member's sensitive name was kept: %v", member)
	}
	if _, kept := agency["contact"]; kept || agency["name"] != "Police" {
		t.Errorf("agency = %v, want its name kept and its sensitive contact cleared", agency)
	}
}

// The submission schema describes the inner list inside its item, and the item id of a list a section
// repeats for, not required: an item saved before the list was repeated for has none (FuzzValidate found
// a valid submission the schema refused).
func TestSubmissionSchemaNestedAndRepeated(t *testing.T) {
	form := loadClean(t, repeatFixture)
	b, _ := json.Marshal(form.SubmissionSchema())
	s := string(b)
	for _, want := range []string{`"agencies":{"items":{"additionalProperties":false,"properties":{"contact"`, `"itemId":{"description"`,
		`"required":["first_name","last_name"]`, `"maxItems":3`} {
		if !strings.Contains(s, want) {
			t.Errorf("submission schema lacks %s:\n%s", want, s)
		}
	}
}

// A list inside a prefilled list is prefilled from each item's own array, and formlint takes its paths
// relative to the item.
func TestPrefillNestedList(t *testing.T) {
	form, diags := Load("household.yaml", []byte(`id: household-check
title: Household check
version: 1
kind: delegation
audience: [professional]
scope: child
caseData:
  type: object
  properties:
    household:
      type: array
      items:
        type: object
        properties:
          name: { type: string }
          agencies:
            type: array
            items:
              type: object
              properties:
                name: { type: string }
sections:
  - id: household
    title: The household
    fields:
      - id: members
        type: list
        label: Household members
        prefill: household
        fields:
          - { id: name, type: text, label: Full name, prefill: name }
          - id: agencies
            type: list
            label: Agencies
            prefill: agencies
            fields:
              - { id: agency, type: text, label: Agency, prefill: name }
`))
	if form == nil || len(diags) > 0 {
		t.Fatalf("does not load cleanly: %v", diags)
	}
	var caseData any
	if err := json.Unmarshal([]byte(`{"household": [{"name": "Jo", "agencies": [{"name": "Police"}, {"name": "Housing"}]}, {"name": "Sam"}]}`), &caseData); err != nil {
		t.Fatal(err)
	}
	a, errs := form.Prefill(caseData)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got, _ := json.Marshal(a.Values["members"])
	if want := `[{"agencies":[{"agency":"Police"},{"agency":"Housing"}],"name":"Jo"},{"name":"Sam"}]`; string(got) != want {
		t.Errorf("prefilled %s, want %s", got, want)
	}
}
