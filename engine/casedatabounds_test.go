package engine

import "testing"

func TestBoundCaseDataFollowsAdditionalProperties(t *testing.T) {
	f := &Form{CaseData: map[string]any{"type": "object", "properties": map[string]any{
		"tags":  map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "object", "properties": map[string]any{"n": map[string]any{"type": "string"}}}},
		"notes": map[string]any{"type": "object", "additionalProperties": true},
		"child": map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}},
	}}}
	nest := func(n int) any {
		v := any("x")
		for range n {
			v = []any{v}
		}
		return v
	}
	for _, tc := range []struct {
		data any
		want string // the path of the one error, or "" for none
	}{
		{map[string]any{"child": map[string]any{"name": "Rose"}, "tags": map[string]any{"a": map[string]any{"n": "1"}}, "notes": map[string]any{"x": nest(maxOpenDepth)}}, ""},
		{map[string]any{"notes": map[string]any{"x": nest(maxOpenDepth + 1)}}, "/notes/x"},
		{map[string]any{"tags": map[string]any{"a": map[string]any{"m": "1"}}}, "/tags/a/m"},
		{map[string]any{"child": map[string]any{"name": "Rose", "a/b": nest(5000)}}, "/child/a~1b"},
	} {
		errs := f.BoundCaseData(tc.data, 100)
		switch {
		case tc.want == "" && len(errs) > 0, tc.want != "" && (len(errs) != 1 || errs[0].Path != tc.want):
			t.Errorf("%.80v: %v, want an error at %q", tc.data, errs, tc.want)
		}
	}
	if errs := f.BoundCaseData(map[string]any{}, MaxCaseDataBytes+1); len(errs) != 1 || errs[0].Path != "/" {
		t.Errorf("too large: %v", errs)
	}
}
