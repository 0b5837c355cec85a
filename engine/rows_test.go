package engine

import (
	"reflect"
	"testing"
)

// Rows are put in the order of the table's orderBy column, dates by value whatever their form; rows
// with no date, or one that is not a real date, come last, and equal rows keep their order.
func TestOrderRowsByDate(t *testing.T) {
	form := loadClean(t, "../testdata/valid/family/form.yaml")
	events := form.Field("events")
	rows := []any{
		map[string]any{"event": "no date"},
		map[string]any{"date": "2024-03-27", "event": "b"},
		map[string]any{"date": map[string]any{"day": "3", "month": "2", "year": "2024"}, "event": "a"},
		map[string]any{"date": map[string]any{"day": "31", "month": "2", "year": "2024"}, "event": "not real"},
		map[string]any{"date": "2024-03-27", "event": "c"},
		map[string]any{"date": "2023-12-31", "event": "first"},
	}
	ordered, from := events.OrderRows(rows)
	var got []string
	for _, r := range ordered {
		got = append(got, r.(map[string]any)["event"].(string))
	}
	if want := []string{"first", "a", "b", "c", "no date", "not real"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if want := []int{5, 2, 1, 4, 0, 3}; !reflect.DeepEqual(from, want) {
		t.Fatalf("from %v, want %v", from, want)
	}
	// Without orderBy nothing moves.
	events.OrderBy = ""
	if _, from := events.OrderRows(rows); !reflect.DeepEqual(from, []int{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("without orderBy: %v", from)
	}
}

// A row checked on its own gets the same problems, with the same paths and words, as when the whole
// form is validated with the row at that index.
func TestValidateRowMatchesValidate(t *testing.T) {
	form := loadClean(t, "../testdata/valid/family/form.yaml")
	caseData := readJSON(t, "../testdata/valid/family/case.json")
	good := map[string]any{"date": "2024-01-02", "event": "Home visit", "about": []any{"c1"}}
	bad := map[string]any{"date": map[string]any{"day": "31", "month": "2", "year": "2024"}, "hours": "41", "about": []any{"c9"}}
	answers := Answers{Values: map[string]any{"events": []any{good, bad}}}
	var want []FieldError
	for _, e := range form.Validate(caseData, answers, ValidateOptions{Today: goldenToday}).Errors {
		if e.Path != "events" && e.Section == "chronology" {
			want = append(want, e)
		}
	}
	got := form.ValidateRow(caseData, answers, form.Field("events"), "", bad, 1, ValidateOptions{Today: goldenToday})
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("row errors:\n got %+v\nwant %+v", got, want)
	}
	if got[0].Message != "Date must be a real date in row 2" {
		t.Fatalf("message %q", got[0].Message)
	}
	if errs := form.ValidateRow(caseData, answers, form.Field("events"), "", good, 0, ValidateOptions{Today: goldenToday}); len(errs) != 0 {
		t.Fatalf("a good row: %v", errs)
	}
}

// Visible says which pages there are exactly as Validate does.
func TestVisibleAgreesWithValidate(t *testing.T) {
	form, diags := Load("shown.yaml", []byte(`
id: shown
title: Shown
version: 1
kind: delegation
audience: [professional]
scope: child
sections:
  - id: first
    title: First
    fields:
      - { id: worried, type: yesno, label: "Are you worried?", name: whether you are worried }
  - id: worry
    title: Your worry
    showWhen: { field: worried, equals: "yes" }
    fields:
      - { id: details, type: textarea, label: Details, required: true }
`))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	var caseData any
	for _, answers := range []Answers{{}, {Values: map[string]any{"worried": "yes"}}, {Values: map[string]any{"worried": "no"}}} {
		var want []SectionResult
		for _, s := range form.Validate(caseData, answers, ValidateOptions{Today: goldenToday}).Sections {
			want = append(want, SectionResult{Section: s.Section, Child: s.Child, ChildName: s.ChildName, Visible: s.Visible})
		}
		if got := form.Visible(caseData, answers, ValidateOptions{}); !reflect.DeepEqual(got, want) {
			t.Fatalf("visible %+v, want %+v", got, want)
		}
	}
}
