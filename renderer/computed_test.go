package renderer

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"formportal/engine"
	"formportal/forms"
)

// A computed value is drawn read-only, from what the engine worked out, in a list's summary and on a
// submitted form; a row page does not ask it, and a page never reads one posted.
func TestComputedShownReadOnly(t *testing.T) {
	lib, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	form := lib.Get("early-help-request")
	s := form.Section("children_details")
	list := s.Field("children_in_family")
	rows := []any{map[string]any{"name": "Ann Boreo", "dob": "2016-03-05", "age": 99.0}}
	res := form.Validate(nil, engine.Answers{Values: map[string]any{"children_in_family": rows}},
		engine.ValidateOptions{Today: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)})
	var sr engine.SectionResult
	for _, r := range res.Sections {
		if r.Section == s.ID {
			sr = r
		}
	}
	if sr.Computed["children_in_family[0].age"] != 9.0 {
		t.Fatalf("computed: %v, want the posted age ignored and 9 worked out", sr.Computed)
	}
	draw := func(in SectionInput) string {
		var b bytes.Buffer
		if err := Fields(BuildSection(in)).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	vals := map[string]any{"children_in_family": rows}
	page := draw(SectionInput{Section: s, Values: vals, Computed: sr.Computed, Action: "/f/pages/children_details"})
	if !strings.Contains(page, `Age in years:</span> 9</li>`) || strings.Contains(page, "99") {
		t.Errorf("the list summary does not show the worked-out age:\n%s", page)
	}
	printed := draw(SectionInput{Section: s, Values: vals, Computed: sr.Computed, ReadOnly: true})
	if !strings.Contains(printed, `<th scope="col" class="govuk-table__header">Age in years</th>`) ||
		!strings.Contains(printed, `<td class="govuk-table__cell">9</td>`) || strings.Contains(printed, "99") {
		t.Errorf("the submitted form does not show the age read-only:\n%s", printed)
	}
	for _, fv := range BuildRow(RowInput{Field: list, Row: rows[0].(map[string]any)}) {
		if fv.Field.Type == engine.TypeComputed {
			t.Errorf("the row page asks the computed %s", fv.Field.ID)
		}
	}
	if strings.Contains(page, "Date of birth, Age in years") {
		t.Error("a computed value is asked for in pasted rows")
	}
	if Posted(list.Child("age")) {
		t.Error("a computed value is read from posts")
	}
	if got := DecodeRow(list, url.Values{"row.name": {"Ann"}, "row.age": {"3"}}); got["age"] != nil {
		t.Errorf("a posted age was kept: %v", got)
	}
}
