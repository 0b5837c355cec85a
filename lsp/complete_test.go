package lsp_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"formportal/lsp/lsptest"
)

// cursors strips markers like <1> from a form and returns the zero-based line and character of each.
func cursors(t *testing.T, marked string) (string, map[string]lsptest.Position) {
	t.Helper()
	at := map[string]lsptest.Position{}
	marker := regexp.MustCompile(`<([\w-]+)>`)
	lines := strings.Split(marked, "\n")
	for i, ln := range lines {
		for {
			m := marker.FindStringSubmatchIndex(ln)
			if m == nil {
				break
			}
			at[ln[m[2]:m[3]]] = lsptest.Position{Line: i, Character: m[0]} // the forms are ASCII
			ln = ln[:m[0]] + ln[m[1]:]
		}
		lines[i] = ln
	}
	return strings.Join(lines, "\n"), at
}

func labels(items []lsptest.CompletionItem) []string {
	slices.SortFunc(items, func(a, b lsptest.CompletionItem) int { return strings.Compare(a.SortText, b.SortText) })
	out := []string{}
	for _, it := range items {
		out = append(out, it.Label)
	}
	return out
}

const childForm = `id: care
title: Care
version: 1
kind: delegation
audience: [professional]
scope: child
caseData:
  type: object
  properties:
    child:
      type: object
      properties:
        name: { type: string }
        dob: { type: string, format: date }
        age: { type: integer }
        placement:
          type: object
          properties:
            type: { type: string }
            start: { type: string }
        siblings:
          type: array
          items:
            type: object
            properties:
              name: { type: string }
              dob: { type: string }
sections:
  - id: about
    title: About
    fields:
      - { id: intro, type: content, text: Hello }
      - { id: child_name, type: text, label: Name, prefill: <prefill> }
      - { id: gp_registered, type: yesno, label: Registered with a GP }
      - id: gp_name
        type: text
        label: GP name
        showWhen: { field: <field> }
      - { id: later_question, type: yesno, label: Later }
  - id: history
    title: History
    showWhen:
      all:
        - field: <section>
    fields:
      - id: moved
        type: date
        label: Moved
        after:<after>
      - id: siblings
        type: table
        label: Siblings
        prefill: child.siblings
        columns:
          - { id: sib_name, type: text, label: Name, prefill: <column-prefill> }
          - { id: sib_dob, type: date, label: Date of birth }
          - { id: sib_note, type: text, label: Note, showWhen: { field: <column> } }
      - { id: left, type: date, label: <label>Left, before: m<before>o }
`

func TestCompletionKnowsWhereTheCursorIs(t *testing.T) {
	text, at := cursors(t, childForm)
	s := serve(t)
	s.Initialize()
	s.Open(uri, text)
	for _, tc := range []struct {
		cursor string
		want   []string
	}{
		// The questions before gp_name, nearest first: not the content, not gp_name, not later ones.
		{"field", []string{"gp_registered", "child_name"}},
		// A section's condition: the questions of earlier sections.
		{"section", []string{"later_question", "gp_name", "gp_registered", "child_name"}},
		// A column's: the earlier columns of its row, then the questions before its table.
		{"column", []string{"sib_dob", "sib_name", "moved", "later_question", "gp_name", "gp_registered", "child_name"}},
		// after and before take other date fields, earlier ones first.
		{"after", []string{"left"}},
		{"before", []string{"moved"}},
		// prefill: case-data paths of a type the field takes (a string for text), not through arrays.
		{"prefill", []string{"child.dob", "child.name", "child.placement.start", "child.placement.type"}},
		// A column's prefill is relative to an item of its table's array.
		{"column-prefill", []string{"dob", "name"}},
		{"label", []string{}},
	} {
		items := s.Complete(uri, at[tc.cursor].Line, at[tc.cursor].Character)
		if got := labels(items); !slices.Equal(got, tc.want) {
			t.Errorf("completion at <%s>: %q; want %q", tc.cursor, got, tc.want)
		}
	}

	// The edit replaces the whole value the cursor is in, and adds the space YAML needs after a colon.
	items := s.Complete(uri, at["before"].Line, at["before"].Character)
	b := at["before"]
	if e := items[0].TextEdit; e.NewText != "moved" || e.Range != rng(b.Line, b.Character-1, b.Character+1) {
		t.Errorf("before: edit %+v; want moved over %+v", e, rng(b.Line, b.Character-1, b.Character+1))
	}
	if e := s.Complete(uri, at["after"].Line, at["after"].Character)[0].TextEdit; e.NewText != " left" {
		t.Errorf("after: edit %+v; want \" left\"", e)
	}
	if d := items[0].Detail; d != "date: Moved (section history)" || items[0].Kind != 5 {
		t.Errorf("detail %q, kind %d; want the field's type, label and section, kind Field", d, items[0].Kind)
	}
}

// While the designer types, the document is often not YAML: an unclosed { on the cursor's line.
func TestCompletionInAHalfTypedDocument(t *testing.T) {
	text, at := cursors(t, childForm)
	lines := strings.Split(text, "\n")
	f := at["field"]
	lines[f.Line] = lines[f.Line][:f.Character] + "gp"
	s := serve(t)
	s.Initialize()
	if d := s.Open(uri, strings.Join(lines, "\n")); len(d) == 0 || d[0].Code != "yaml-syntax" {
		t.Fatalf("diagnostics %+v; want a YAML syntax error", d)
	}
	items := s.Complete(uri, f.Line, f.Character+2)
	if got := labels(items); !slices.Equal(got, []string{"gp_registered", "child_name"}) {
		t.Fatalf("completion in an unclosed flow mapping: %q", got)
	}
	if e := items[0].TextEdit; e.Range != rng(f.Line, f.Character, f.Character+2) {
		t.Errorf("edit range %+v; want over the typed gp", e.Range)
	}

	// Broken on another line too (yaml.v3 rejects a ? ending a flow value), completion works from the last
	// outline that parsed.
	broken := strings.Replace(strings.Join(lines, "\n"), "label: Registered with a GP }", "label: Registered with a GP? }", 1)
	s.Change(uri, 2, broken)
	if got := labels(s.Complete(uri, f.Line, f.Character+2)); !slices.Equal(got, []string{"gp_registered", "child_name"}) {
		t.Fatalf("completion in a document broken elsewhere: %q", got)
	}
}

const familyForm = `id: family
title: Family
version: 1
kind: delegation
audience: [professional]
scope: family
caseData:
  type: object
  properties:
    familyName: { type: string }
    child: { type: object, properties: { nickname: { type: string } } }
    children:
      type: array
      items:
        type: object
        required: [id, name]
        properties:
          id: { type: string }
          name: { type: string }
sections:
  - id: family
    title: Family
    fields:
      - { id: fam, type: text, label: Family, prefill: <family> }
      - { id: kids, type: table, label: Children, prefill: <table>, columns: [{ id: n, type: text, label: Name }] }
  - id: each
    title: Each child
    perChild: true
    fields:
      - { id: kid, type: text, label: Name, prefill: "<per-child>" }
      - { id: kid_ok, type: yesno, label: OK, showWhen: { field: <per-child-condition> } }
  - id: after
    title: After
    fields:
      - { id: x, type: text, label: X, showWhen: { field: '<after-per-child>' } }
`

// In a family form, child is the current child inside per-child sections only, and only questions of
// per-child sections refer to per-child questions.
func TestCompletionFollowsFamilyScope(t *testing.T) {
	text, at := cursors(t, familyForm)
	s := serve(t)
	s.Initialize()
	s.Open(uri, text)
	for _, tc := range []struct {
		cursor string
		want   []string
	}{
		{"family", []string{"familyName"}},
		{"table", []string{"children"}},
		{"per-child", []string{"child.id", "child.name", "familyName"}},
		{"per-child-condition", []string{"kid", "kids", "fam"}},
		{"after-per-child", []string{"kids", "fam"}},
	} {
		items := s.Complete(uri, at[tc.cursor].Line, at[tc.cursor].Character)
		if got := labels(items); !slices.Equal(got, tc.want) {
			t.Errorf("completion at <%s>: %q; want %q", tc.cursor, got, tc.want)
		}
	}
}
