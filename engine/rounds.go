package engine

import (
	"slices"
	"strconv"
	"strings"
)

// Rounds of a returned submission: the places of a submission the council can comment on when it returns
// it for more information (Targets), and what changed between one round's submission and the next (Diff).
// A place is named by its path, as errors are: a question "gp_name", a child's question
// "children.c1.gp_name", a table's row "events[2]" (rows from 0).

// Target is a question, or a row of a table or list, as the council sees it when marking a return.
type Target struct {
	Path    string
	Section string   // the section's title
	Label   string   // the question's label, "Row 3" of a table, with the child's name on a child's page
	Answer  []string // the answer as lines (a row: "Column: answer" each)
	Row     bool
}

// Change is one difference between two rounds' submissions.
type Change struct {
	Path   string
	Label  string
	Kind   string   // ChangeChanged, ChangeAdded (a row), ChangeRemoved (a row)
	Before []string // nil for an added row
	After  []string // nil for a removed row
}

// Kinds of Change.
const (
	ChangeChanged = "changed"
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
)

// place is one question of a submission with where it is: its path prefix and the child's name.
type place struct {
	section *Section
	field   *Field
	prefix  string // "" or "children.c1."
	child   string // the child's name on a child's page
}

// places walks the answerable questions of the sections given (all when none), each child's for a
// per-child section.
// A section repeating for a list's items is walked for the items of any of the answers given.
func (f *Form) places(sections []string, children []Child, answers []Answers, fn func(p place)) {
	for _, s := range f.Sections {
		if s.Overview || len(sections) > 0 && !slices.Contains(sections, s.ID) {
			continue
		}
		reps := f.placeRepetitions(s, children, answers)
		for _, fd := range s.Fields {
			if !fd.Answerable() {
				continue
			}
			if !s.Repeats() {
				fn(place{section: s, field: fd})
				continue
			}
			for _, c := range reps {
				fn(place{section: s, field: fd, prefix: "children." + c.ID + ".", child: c.Name})
			}
		}
	}
}

// placeRepetitions are the repetitions of s in any of the answers, each once, in the order met.
func (f *Form) placeRepetitions(s *Section, children []Child, answers []Answers) []Repetition {
	v := &validation{form: f, children: children}
	var out []Repetition
	seen := map[string]bool{}
	for _, a := range answers {
		for _, r := range v.repetitions(s, &scope{v: v, values: a.Values}) {
			if !seen[r.ID] {
				seen[r.ID] = true
				out = append(out, r)
			}
		}
		if s.PerChild {
			break // the case data's children, whatever the answers
		}
	}
	return out
}

func (p place) value(a Answers) any {
	if p.prefix == "" {
		return a.Values[p.field.ID]
	}
	id := strings.TrimSuffix(strings.TrimPrefix(p.prefix, "children."), ".")
	return a.Children[id][p.field.ID]
}

func (p place) label(label string) string {
	if p.child != "" {
		return label + " (" + p.child + ")"
	}
	return label
}

// rowLines writes a row of a table or list as "Column: answer" lines.
func rowLines(fd *Field, row map[string]any, children []Child) []string {
	var out []string
	for _, col := range fd.Children() {
		if !col.Answerable() {
			continue
		}
		if ans := col.FormatAnswer(row[col.ID], children); len(ans) > 0 {
			out = append(out, col.Label+": "+strings.Join(ans, ", "))
		}
	}
	return out
}

func rowsOf(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		m, _ := x.(map[string]any)
		out = append(out, m)
	}
	return out
}

// rowName is "Row 3", "Person 2".
func rowName(fd *Field, i int) string {
	noun := fd.RowNoun()
	return strings.ToUpper(noun[:1]) + noun[1:] + " " + strconv.Itoa(i+1)
}

// RowNoun is what one row of a table (item of a list) is called: its itemLabel, or "row" and "item".
func (fd *Field) RowNoun() string {
	if fd.ItemLabel != "" {
		return strings.ToLower(fd.ItemLabel)
	}
	if fd.Type == TypeList {
		return "item"
	}
	return "row"
}

// Targets lists the questions of a submission's sections, and the rows of its tables and lists, in form
// order, for the council to comment on.
func (f *Form) Targets(a Answers, sections []string, children []Child) []Target {
	var out []Target
	f.places(sections, children, []Answers{a}, func(p place) {
		v := p.value(a)
		path := p.prefix + p.field.ID
		out = append(out, Target{Path: path, Section: p.section.Title, Label: p.label(p.field.Label), Answer: p.field.FormatAnswer(v, children)})
		if !p.field.Container() {
			return
		}
		for i, row := range rowsOf(v) {
			out = append(out, Target{Path: path + "[" + strconv.Itoa(i) + "]", Section: p.section.Title, Label: p.label(p.field.Label + ": " + rowName(p.field, i)),
				Answer: rowLines(p.field, row, children), Row: true})
		}
	})
	return out
}

// Diff lists what changed from one round's submission to the next, in form order: each question whose
// answer changed, and for tables and lists the rows added, removed and changed. Rows are matched by
// their answers first, so a row left as it was is unchanged wherever it moved; the rows left over are
// paired in order as changed, and the rest are added or removed.
func (f *Form) Diff(before, after Answers, sections []string, children []Child) []Change {
	var out []Change
	f.places(sections, children, []Answers{before, after}, func(p place) {
		path := p.prefix + p.field.ID
		b, a := p.value(before), p.value(after)
		if !p.field.Container() {
			bl, al := p.field.FormatAnswer(b, children), p.field.FormatAnswer(a, children)
			if !slices.Equal(bl, al) {
				out = append(out, Change{Path: path, Label: p.label(p.field.Label), Kind: ChangeChanged, Before: bl, After: al})
			}
			return
		}
		out = append(out, diffRows(p, path, rowsOf(b), rowsOf(a), children)...)
	})
	return out
}

func diffRows(p place, path string, before, after []map[string]any, children []Child) []Change {
	lines := func(rows []map[string]any) [][]string {
		out := make([][]string, len(rows))
		for i, r := range rows {
			out[i] = rowLines(p.field, r, children)
		}
		return out
	}
	bl, al := lines(before), lines(after)
	key := func(l []string) string { return strings.Join(l, "\x00") }
	unused := map[string][]int{} // rows before, by their answers, not yet matched
	for i, l := range bl {
		unused[key(l)] = append(unused[key(l)], i)
	}
	var newRows []int
	for i, l := range al {
		if idx := unused[key(l)]; len(idx) > 0 {
			unused[key(l)] = idx[1:]
			continue
		}
		newRows = append(newRows, i)
	}
	var oldRows []int
	for _, idx := range unused {
		oldRows = append(oldRows, idx...)
	}
	slices.Sort(oldRows)
	var out []Change
	name := func(i int) string { return p.label(p.field.Label + ": " + rowName(p.field, i)) }
	n := min(len(oldRows), len(newRows))
	for k := range n {
		i, j := oldRows[k], newRows[k]
		out = append(out, Change{Path: path + "[" + strconv.Itoa(j) + "]", Label: name(j), Kind: ChangeChanged, Before: bl[i], After: al[j]})
	}
	for _, j := range newRows[n:] {
		out = append(out, Change{Path: path + "[" + strconv.Itoa(j) + "]", Label: name(j), Kind: ChangeAdded, After: al[j]})
	}
	for _, i := range oldRows[n:] {
		out = append(out, Change{Path: path + "[" + strconv.Itoa(i) + "]", Label: p.label(p.field.Label + ": " + rowName(p.field, i) + " before"), Kind: ChangeRemoved, Before: bl[i]})
	}
	return out
}
