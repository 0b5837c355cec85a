package chronology

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"formportal/chronology/chronologytest"
	"formportal/engine"
)

// agencyForm is a chronology whose rows say their agency in a column of their own.
const agencyForm = `
id: agency-chronology
title: Agency Chronology
version: 1
kind: delegation
audience: [professional]
scope: family
caseData:
  type: object
  required: [children]
  properties:
    children:
      type: array
      items:
        type: object
        required: [id, name]
        properties:
          id: { type: string }
          name: { type: string }
sections:
  - id: chronology
    title: Chronology
    fields:
      - id: events
        type: table
        label: Significant events
        dateColumn: date
        agencyColumn: agency
        childColumn: about
        columns:
          - { id: date, type: date, label: Date, required: true }
          - id: agency
            type: select
            label: Agency
            options: [ { value: gp, label: GP surgery }, { value: school, label: School } ]
          - { id: about, type: children, label: Child or children }
          - { id: event, type: textarea, label: Event or incident }
          - { id: outcome, type: text, label: Outcome }
`

var family = []engine.Child{{ID: "c1", Name: "Aurora Boreo"}, {ID: "c2", Name: "Orion Boreo"}}

func load(t testing.TB, src string) *engine.Form {
	t.Helper()
	form, diags := engine.Load("form.yaml", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return form
}

func submission(t testing.TB, field string, rows ...map[string]any) json.RawMessage {
	t.Helper()
	list := make([]any, len(rows))
	for i, r := range rows {
		list[i] = r
	}
	raw, err := json.Marshal(engine.Answers{Values: map[string]any{field: list}})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func row(date, event string, about ...string) map[string]any {
	ids := make([]any, len(about))
	for i, a := range about {
		ids[i] = a
	}
	return map[string]any{"date": date, "event": event, "about": ids}
}

func TestMergeInDateOrderEachRowWithItsAgency(t *testing.T) {
	form := load(t, agencyForm)
	gp := row("2026-02-03", "A&E attendance, head injury", "c1")
	gp["agency"] = "gp"
	other := row("2026-01-10", "Seen by the health visitor", "c2")
	other["agency"] = "" // no answer: the professional's organisation
	school := row("2026-02-03", "Aurora went to A&E after a head injury at home", "c1")
	school["agency"] = "school"
	late := row("2026-03-01", "Exclusion", "c1", "c2")
	late["agency"] = "school"
	tbl, err := Merge(form, family, []Contribution{
		{ResponseID: "r1", Organisation: "Elm Surgery", Submission: submission(t, "events", gp, other)},
		{ResponseID: "r2", Organisation: "Hill Primary", Submission: submission(t, "events", late, school)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tbl.Rows {
		got = append(got, r.Date+" "+r.Agency+" "+r.ID)
	}
	want := []string{"2026-01-10 Elm Surgery r1/1", "2026-02-03 GP surgery r1/0", "2026-02-03 School r2/1", "2026-03-01 School r2/0"}
	if !slices.Equal(got, want) {
		t.Fatalf("merged order:\n%v\nwant\n%v", got, want)
	}
	// The columns shown besides date and agency; children by name.
	var heads []string
	for _, c := range tbl.Columns {
		heads = append(heads, c.ID)
	}
	if !slices.Equal(heads, []string{"about", "event", "outcome"}) || tbl.Rows[3].Cells[0] != "Aurora Boreo, Orion Boreo" || tbl.ChildNames(tbl.Rows[3]) != "Aurora Boreo, Orion Boreo" {
		t.Fatalf("columns %v, cells %v", heads, tbl.Rows[3].Cells)
	}
	if !slices.Equal(tbl.Agencies, []string{"GP surgery", "Elm Surgery", "School"}) {
		t.Fatalf("agencies: %v", tbl.Agencies)
	}
	// The GP's and the school's rows of 3 February are flagged as the same event, both ways; nothing else.
	if !slices.Equal(tbl.Rows[1].SameEvent, []int{2}) || !slices.Equal(tbl.Rows[2].SameEvent, []int{1}) || len(tbl.Rows[0].SameEvent)+len(tbl.Rows[3].SameEvent) != 0 {
		t.Fatalf("same events: %v", [][]int{tbl.Rows[0].SameEvent, tbl.Rows[1].SameEvent, tbl.Rows[2].SameEvent, tbl.Rows[3].SameEvent})
	}
	if s := tbl.SameEventText(tbl.Rows[1]); s != "School (row 3)" {
		t.Fatalf("same event text: %q", s)
	}
	if s := tbl.SameEventIn(tbl.Rows[2], func(agency string, row int) string { return fmt.Sprintf("%s (rhes %d)", agency, row) }); s != "GP surgery (rhes 2)" {
		t.Fatalf("same event in other words: %q", s)
	}

	for name, c := range map[string]struct {
		f    Filter
		want []int
	}{
		"child":      {Filter{Child: "c2"}, []int{0, 3}},
		"agency":     {Filter{Agency: "School"}, []int{2, 3}},
		"from":       {Filter{From: "2026-02-03"}, []int{1, 2, 3}},
		"to":         {Filter{To: "2026-02-03"}, []int{0, 1, 2}},
		"all of it":  {Filter{Child: "c1", Agency: "School", From: "2026-02-01", To: "2026-02-28"}, []int{2}},
		"everything": {Filter{}, []int{0, 1, 2, 3}},
	} {
		if got := tbl.Select(c.f); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}

// What is not the same event: another date, another child, another story, the same agency.
func TestSameEventNeedsDateChildWordsAndTwoAgencies(t *testing.T) {
	form := load(t, agencyForm)
	base := row("2026-02-03", "Police called to the home after a domestic incident", "c1")
	for name, c := range map[string]struct {
		other map[string]any
		same  bool
	}{
		"same event, told briefly":  {row("2026-02-03", "Domestic incident: police attended the home", "c1"), true},
		"about the whole family":    {row("2026-02-03", "Domestic incident, police attended home"), true},
		"a day later":               {row("2026-02-04", "Domestic incident: police attended the home", "c1"), false},
		"about another child":       {row("2026-02-03", "Domestic incident: police attended the home", "c2"), false},
		"another story":             {row("2026-02-03", "Dental check-up, no concerns", "c1"), false},
		"only common words in both": {row("2026-02-03", "The family said that they were there", "c1"), false},
	} {
		tbl, err := Merge(form, family, []Contribution{
			{ResponseID: "police", Organisation: "Thames Valley Police", Submission: submission(t, "events", base)},
			{ResponseID: "school", Organisation: "Hill Primary", Submission: submission(t, "events", c.other)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(tbl.Rows[0].SameEvent) > 0; got != c.same {
			t.Errorf("%s: flagged %v, want %v", name, got, c.same)
		}
	}
	// One agency's two rows of a day are its own: never flagged.
	tbl, _ := Merge(form, family, []Contribution{{ResponseID: "police", Organisation: "Police", Submission: submission(t, "events", base, base)}})
	if len(tbl.Rows[0].SameEvent) != 0 {
		t.Fatal("an agency's own rows were flagged as the same event")
	}
}

// The bundled Multi-Agency Chronology is a chronology: its date, children and event columns.
func TestBundledChronologyMerges(t *testing.T) {
	src, err := os.ReadFile("../forms/multi-agency-chronology.yaml")
	if err != nil {
		t.Fatal(err)
	}
	form := load(t, string(src))
	r := map[string]any{"date": "2026-02-03", "children_concerned": []any{"c1"}, "event": "Missed appointment", "source": "GP"}
	tbl, err := Merge(form, family, []Contribution{{ResponseID: "r1", Organisation: "Elm Surgery", Submission: submission(t, "chronology_entries", r)}})
	if err != nil || len(tbl.Rows) != 1 || tbl.Rows[0].Agency != "Elm Surgery" || !slices.Equal(tbl.Rows[0].Children, []string{"c1"}) || len(tbl.Children) != 2 {
		t.Fatalf("%+v, %v", tbl, err)
	}
	if !strings.Contains(strings.Join(tbl.Rows[0].Cells, "|"), "Missed appointment|GP") {
		t.Fatalf("cells: %q", tbl.Rows[0].Cells)
	}
	noChronology := load(t, strings.Replace(agencyForm, "        dateColumn: date\n        agencyColumn: agency\n        childColumn: about\n", "", 1))
	if _, err := Merge(noChronology, family, nil); err == nil {
		t.Fatal("a form with no chronology table merged")
	}
	if _, err := Merge(form, family, []Contribution{{ResponseID: "bad", Submission: json.RawMessage("{")}}); err == nil || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("an unreadable submission: %v", err)
	}
}

// BenchmarkMerge merges 20 contributions of 500 rows each for a family of six children.
//
//	go test ./chronology -run '^$' -bench Merge -benchmem
func BenchmarkMerge(b *testing.B) {
	src, err := os.ReadFile("../forms/multi-agency-chronology.yaml")
	if err != nil {
		b.Fatal(err)
	}
	form := load(b, string(src))
	children, subs := chronologytest.Family(20, 500)
	var contributions []Contribution
	for i, s := range subs {
		contributions = append(contributions, Contribution{ResponseID: fmt.Sprintf("r%02d", i), Organisation: fmt.Sprintf("Agency %d", i), Submission: s})
	}
	b.ReportAllocs()
	for b.Loop() {
		t, err := Merge(form, children, contributions)
		if err != nil || len(t.Rows) != 10000 {
			b.Fatalf("%v rows, %v", len(t.Rows), err)
		}
	}
}
