package engine

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestPrefillPaths(t *testing.T) {
	caseData := map[string]any{"type": "object", "properties": map[string]any{
		"note":  map[string]any{}, // no type: fits any field
		"count": map[string]any{"type": "integer"},
		"child": map[string]any{"type": "object", "properties": map[string]any{
			"name": map[string]any{"type": "string"},
			"tags": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		}},
		"children": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
			"id":   map[string]any{"type": "string"},
			"name": map[string]any{"type": "string"},
		}}},
	}}
	paths := func(scope string, perChild bool, within, fieldType string) string {
		var out []string
		for _, p := range PrefillPaths(caseData, scope, perChild, within, fieldType) {
			out = append(out, p.Path)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		scope     string
		perChild  bool
		within    string
		fieldType string
		want      string
	}{
		{ScopeChild, false, "", TypeText, "child.name note"},
		{ScopeChild, false, "", TypeNumber, "count note"},
		{ScopeChild, false, "", TypeCheckboxes, "child.tags children note"},
		{ScopeChild, false, "", "", "child.name child.tags children count note"}, // type not typed yet: all but objects
		{ScopeChild, false, "", TypeContent, ""},                                 // content is never prefilled
		{ScopeFamily, false, "", TypeText, "note"},                               // child is not a family form's
		{ScopeFamily, true, "", TypeText, "child.id child.name note"},            // in a per-child section, the current child
		{ScopeChild, false, "children", TypeText, "id name"},                     // a column: relative to an item
		{ScopeChild, false, "count", TypeText, ""},                               // a table prefilled from no array
	} {
		if got := paths(tc.scope, tc.perChild, tc.within, tc.fieldType); got != tc.want {
			t.Errorf("%s form, perChild %v, within %q, %q field: %q; want %q", tc.scope, tc.perChild, tc.within, tc.fieldType, got, tc.want)
		}
	}
}

// A schema typed in an editor can be deep or wide: the walk is bounded.
func TestPrefillPathsAreBounded(t *testing.T) {
	deep := map[string]any{}
	for range 100 {
		deep = map[string]any{"properties": map[string]any{"a": deep}} // no type: walked and offered
	}
	longest := 0
	for _, p := range PrefillPaths(deep, ScopeChild, false, "", TypeText) {
		longest = max(longest, strings.Count(p.Path, ".")+1)
	}
	if longest != maxPrefillDepth {
		t.Fatalf("the longest path has %d parts; want the walk to stop at %d", longest, maxPrefillDepth)
	}
	wide := map[string]any{}
	for i := range 3 * maxPrefillPaths {
		wide[fmt.Sprintf("p%04d", i)] = map[string]any{"type": "string"}
	}
	got := PrefillPaths(map[string]any{"type": "object", "properties": wide}, ScopeChild, false, "", TypeText)
	if len(got) != maxPrefillPaths || got[0].Path != "p0000" || !slices.IsSortedFunc(got, func(a, b PrefillPath) int { return strings.Compare(a.Path, b.Path) }) {
		t.Fatalf("%d paths; want the first %d in order", len(got), maxPrefillPaths)
	}
}
