package engine

import (
	"reflect"
	"strings"
	"testing"
)

func TestCarryAnswersFollowsRenames(t *testing.T) {
	new := mustLoad(t, "new.yaml", "../testdata/compat/renamed/new.yaml")
	draft := Answers{
		Values: map[string]any{
			"school":     "Hill Top",
			"attendance": "92",
			"contacts":   []any{map[string]any{"name": "A Head", "phone": "0123"}},
			"concerns":   []any{map[string]any{"concern": "Late", "gone": "x"}},
			"removed":    "y",
		},
		Visited: []string{"school"},
	}
	got, dropped := new.CarryAnswers(draft)
	want := map[string]any{
		"school_name":    "Hill Top",
		"attendance_pct": "92",
		"contacts":       []any{map[string]any{"name": "A Head", "telephone": "0123"}},
		"worries":        []any{map[string]any{"concern": "Late"}},
	}
	if !reflect.DeepEqual(got.Values, want) {
		t.Errorf("carried %v, want %v", got.Values, want)
	}
	if !reflect.DeepEqual(dropped, []string{"concerns.gone", "removed"}) {
		t.Errorf("dropped %v", dropped)
	}
	if !reflect.DeepEqual(got.Visited, draft.Visited) {
		t.Errorf("visited %v", got.Visited)
	}
}

func TestHashIgnoresLayoutNotContent(t *testing.T) {
	const base = "id: h\ntitle: Hash\nversion: 1\nkind: delegation\naudience: [professional]\nscope: child\nsections:\n  - id: s\n    title: S\n    fields:\n      - { id: a, type: text, label: A }\n"
	load := func(src string) string {
		f, diags := Load("h.yaml", []byte(src))
		if f == nil {
			t.Fatalf("does not load: %v", diags)
		}
		return f.Hash()
	}
	h := load(base)
	if !strings.HasPrefix(h, "sha256:") {
		t.Fatalf("hash %q", h)
	}
	relaid := "# a comment\n" + strings.Replace(base, "{ id: a, type: text, label: A }", "\n        id: a\n        type: text\n        label: \"A\"", 1)
	if got := load(relaid); got != h {
		t.Errorf("comments and layout changed the hash: %s, was %s", got, h)
	}
	if got := load(strings.Replace(base, "label: A", "label: B", 1)); got == h {
		t.Error("a changed label kept the hash")
	}
}

// TestHashIsStable pins the hash of a definition: stored versions are compared by it across releases, so
// a change of parser or of how values are read must not change it (or every deployment refuses to start).
func TestHashIsStable(t *testing.T) {
	const src = `id: stable
title: "Stable: a form"
version: 7
kind: delegation
audience: [professional]
scope: child
sections:
  - id: s
    title: S
    delegable: true
    fields:
      - { id: n, type: number, label: Number, min: 1.50, max: 1e3, integer: false }
      - { id: d, type: date, label: Date, minDate: 2020-01-31 }
      - id: t
        type: textarea
        label: 'Details, quoted'
        hint: |
          Two lines,
          kept.
`
	f, diags := Load("stable.yaml", []byte(src))
	if f == nil {
		t.Fatalf("does not load: %v", diags)
	}
	const want = "sha256:6ac04299f53b90c6aafbcf9e541234cd74c8a1a866d08be2d0e3efe0670cceb9"
	if f.Hash() != want {
		t.Errorf("the hash changed: %s, was %s", f.Hash(), want)
	}
}
