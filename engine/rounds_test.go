package engine

import (
	"os"
	"strings"
	"testing"
)

func familyForm(t *testing.T) *Form {
	t.Helper()
	data, err := os.ReadFile("../testdata/valid/family/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, diags := Load("family.yaml", data)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return f
}

var kids = []Child{{ID: "c1", Name: "Aurora Boreo"}, {ID: "c2", Name: "Orion Boreo"}}

func event(date, about, what string) map[string]any {
	return map[string]any{"date": date, "about": []any{about}, "event": what}
}

func TestDiffRoundsAnswersAndRows(t *testing.T) {
	f := familyForm(t)
	before := Answers{Values: map[string]any{"name": "Sam Jones", "phone": "01632 960001", "events": []any{
		event("2026-01-05", "c1", "Home visit"), event("2026-01-12", "c2", "School meeting"), event("2026-01-20", "c1", "GP appointment")}},
		Children: map[string]map[string]any{"c1": {"registered_gp": "yes"}, "c2": {"registered_gp": "no"}}}
	after := Answers{Values: map[string]any{"name": "Sam Jones", "phone": "01632 960002", "events": []any{
		event("2026-01-12", "c2", "School meeting"), // moved up, unchanged
		event("2026-01-05", "c1", "Home visit with mother present"),
		event("2026-02-01", "c2", "Police call out"),
		event("2026-02-03", "c2", "Strategy meeting")}},
		Children: map[string]map[string]any{"c1": {"registered_gp": "yes"}, "c2": {"registered_gp": "yes", "gp_name": "Hill Surgery"}}}
	var got []string
	for _, c := range f.Diff(before, after, nil, kids) {
		got = append(got, c.Kind+" "+c.Path+" "+c.Label+": "+strings.Join(c.Before, "; ")+" -> "+strings.Join(c.After, "; "))
	}
	want := []string{
		"changed phone Telephone number: 01632 960001 -> 01632 960002",
		"changed events[1] Chronology: Row 2: Date: 5 January 2026; Child or children: Aurora Boreo; Event or incident: Home visit -> Date: 5 January 2026; Child or children: Aurora Boreo; Event or incident: Home visit with mother present",
		"changed events[2] Chronology: Row 3: Date: 20 January 2026; Child or children: Aurora Boreo; Event or incident: GP appointment -> Date: 1 February 2026; Child or children: Orion Boreo; Event or incident: Police call out",
		"added events[3] Chronology: Row 4:  -> Date: 3 February 2026; Child or children: Orion Boreo; Event or incident: Strategy meeting",
		"changed children.c2.registered_gp Is the child registered with a GP? (Orion Boreo): No -> Yes",
		"changed children.c2.gp_name Name of GP practice (Orion Boreo):  -> Hill Surgery",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	removed := f.Diff(after, before, []string{"chronology"}, kids)
	kinds := map[string]int{}
	for _, c := range removed {
		kinds[c.Kind]++
	}
	if kinds[ChangeRemoved] != 1 || kinds[ChangeAdded] != 0 || len(removed) != 3 {
		t.Fatalf("the other way round, the chronology only: %+v", removed)
	}
	if d := f.Diff(before, before, nil, kids); len(d) != 0 {
		t.Fatalf("no change, yet: %+v", d)
	}
}

func TestTargetsAreQuestionsAndRows(t *testing.T) {
	f := familyForm(t)
	a := Answers{Values: map[string]any{"events": []any{event("2026-01-05", "c1", "Home visit"), event("2026-01-12", "c2", "School meeting")}}}
	var paths []string
	for _, tg := range f.Targets(a, []string{"chronology", "health"}, kids) {
		paths = append(paths, tg.Path)
		if tg.Path == "events[1]" && (!tg.Row || tg.Label != "Chronology: Row 2" || !strings.Contains(strings.Join(tg.Answer, ";"), "School meeting")) {
			t.Errorf("row target: %+v", tg)
		}
	}
	if !strings.HasPrefix(strings.Join(paths, " "), "events events[0] events[1] children.c1.registered_gp") || !strings.Contains(strings.Join(paths, " "), "children.c2.next_check") {
		t.Fatalf("targets: %v", paths)
	}
}
