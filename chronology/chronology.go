// Package chronology merges the agencies' contributions to a multi-agency request into one chronology:
// every submitted row of the form's chronology table (engine: a table with a dateColumn), in date order,
// each marked with the agency that gave it, filtered by child, agency and dates, with the rows where two
// agencies seem to describe the same event flagged, never merged.
package chronology

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"formportal/engine"
)

// Contribution is one agency's submitted answers to the request's form.
type Contribution struct {
	ResponseID   string
	Organisation string // the professional's organisation: each row's agency when the table has no agencyColumn
	Submission   json.RawMessage
}

// Row is one row of the merged chronology.
type Row struct {
	ID       string   // the contribution's response id and the row's place in it: "RESPONSE/3"
	Date     string   // YYYY-MM-DD, as answered
	Agency   string   // from the agency column, else the contribution's organisation
	Children []string // the ids of the children it is about (childColumn); none without one
	Cells    []string // each of Table.Columns, as people read it
	// SameEvent holds the places in Table.Rows of rows of other agencies that may describe the same event.
	SameEvent []int

	contribution int      // the contribution's place in the merge, which orders rows of one date
	index        int      // the row's place in its contribution
	words        []string // the event's text, normalised (see sameEvent)
}

// Table is a merged chronology.
type Table struct {
	Field    *engine.Field   // the form's chronology table
	Columns  []*engine.Field // the columns shown besides the date and the agency, in the form's order
	Rows     []Row
	Children []engine.Child // the family, for the child filter; none when the table has no childColumn
	Agencies []string       // the agencies with rows, in order of first appearance
}

// Merge merges the contributions' rows of the form's chronology table (the first, if it has several).
// children are the family's, from the case data. An error when the form has no chronology table or a
// submission cannot be read.
func Merge(form *engine.Form, children []engine.Child, contributions []Contribution) (*Table, error) {
	tables := form.ChronologyTables()
	if len(tables) == 0 {
		return nil, fmt.Errorf("merge chronology: form %s has no chronology table", form.ID)
	}
	fd := tables[0]
	t := &Table{Field: fd}
	if fd.ChildColumn != "" {
		t.Children = children
	}
	for _, col := range fd.Columns {
		if col.Answerable() && col.ID != fd.DateColumn && col.ID != fd.AgencyColumn {
			t.Columns = append(t.Columns, col)
		}
	}
	seen := map[string]bool{}
	for ci, c := range contributions {
		var answers engine.Answers
		if err := json.Unmarshal(c.Submission, &answers); err != nil {
			return nil, fmt.Errorf("merge chronology: submission of %s: %w", c.ResponseID, err)
		}
		rows, _ := answers.Values[fd.ID].([]any)
		for i, it := range rows {
			cells, _ := it.(map[string]any)
			r := Row{ID: fmt.Sprintf("%s/%d", c.ResponseID, i), contribution: ci, index: i, Agency: c.Organisation}
			r.Date, _ = cells[fd.DateColumn].(string)
			if fd.AgencyColumn != "" {
				if a := strings.Join(fd.Child(fd.AgencyColumn).FormatAnswer(cells[fd.AgencyColumn], children), " "); strings.TrimSpace(a) != "" {
					r.Agency = strings.TrimSpace(a)
				}
			}
			if fd.ChildColumn != "" {
				r.Children = idsOf(cells[fd.ChildColumn])
			}
			for _, col := range t.Columns {
				r.Cells = append(r.Cells, strings.Join(col.FormatAnswer(cells[col.ID], children), "\n"))
			}
			r.words = normalise(eventText(fd, cells))
			if !seen[r.Agency] {
				seen[r.Agency] = true
				t.Agencies = append(t.Agencies, r.Agency)
			}
			t.Rows = append(t.Rows, r)
		}
	}
	// Date order; rows of one date in the order of the contributions, then as each agency ordered them.
	// Rows without a date come last.
	slices.SortFunc(t.Rows, func(a, b Row) int {
		if (a.Date == "") != (b.Date == "") {
			return map[bool]int{true: 1, false: -1}[a.Date == ""]
		}
		return cmp.Or(strings.Compare(a.Date, b.Date), cmp.Compare(a.contribution, b.contribution), cmp.Compare(a.index, b.index))
	})
	flagSameEvents(t.Rows)
	return t, nil
}

// idsOf is a children column's answer as child ids: a list, or one id when the column is single choice.
func idsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// eventText is what a row says happened: its eventColumn, or, without one, every text and textarea
// column but the agency's.
func eventText(fd *engine.Field, cells map[string]any) string {
	if fd.EventColumn != "" {
		s, _ := cells[fd.EventColumn].(string)
		return s
	}
	var parts []string
	for _, col := range fd.Columns {
		if (col.Type == engine.TypeText || col.Type == engine.TypeTextarea) && col.ID != fd.AgencyColumn {
			if s, _ := cells[col.ID].(string); s != "" {
				parts = append(parts, s)
			}
		}
	}
	return strings.Join(parts, " ")
}

// Filter selects rows of a merged chronology; empty fields select everything.
type Filter struct {
	Child    string // a child's id: rows about that child
	Agency   string // rows from that agency, exactly
	From, To string // YYYY-MM-DD, both included
}

// Select lists the places in t.Rows of the rows f selects, in order.
func (t *Table) Select(f Filter) []int {
	var out []int
	for i, r := range t.Rows {
		if f.Child != "" && !slices.Contains(r.Children, f.Child) ||
			f.Agency != "" && r.Agency != f.Agency ||
			f.From != "" && (r.Date == "" || r.Date < f.From) ||
			f.To != "" && (r.Date == "" || r.Date > f.To) {
			continue
		}
		out = append(out, i)
	}
	return out
}

// ChildNames names a row's children as the family's case data does.
func (t *Table) ChildNames(r Row) string {
	var names []string
	for _, id := range r.Children {
		name := id
		for _, c := range t.Children {
			if c.ID == id {
				name = c.Name
			}
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

// SameEventText says which rows a row may describe the same event as, for people: "Elm Surgery (row 7)",
// by their place in the whole merged chronology, counted from 1.
func (t *Table) SameEventText(r Row) string {
	return t.SameEventIn(r, func(agency string, row int) string { return fmt.Sprintf("%s (row %d)", agency, row) })
}

// SameEventIn is SameEventText with each row named by name (in the reader's language): its agency and
// its place in the whole merged chronology, counted from 1.
func (t *Table) SameEventIn(r Row, name func(agency string, row int) string) string {
	var out []string
	for _, j := range r.SameEvent {
		out = append(out, name(t.Rows[j].Agency, j+1))
	}
	return strings.Join(out, "; ")
}

// "The same event". Two rows may describe the same event when all of these hold:
//   - they come from different agencies (an agency's own rows are its own business);
//   - they have the same date (a date is what both agencies record; events a day apart are not matched,
//     so a weekly pattern of visits is not flagged as one visit);
//   - they are about a same child, or either names no child (a row about the whole family, or a table
//     without a child column, cannot rule a child out);
//   - their event texts are alike: each is lower-cased, split into words of letters and digits, the
//     common words below (and words under three letters) dropped, and the words of the shorter text are
//     at least half shared by the other (the overlap coefficient |A∩B| / min(|A|,|B|) ≥ 0.5). The shorter
//     text is the measure because agencies write at different lengths: a GP's "A&E attendance, head
//     injury" is the school's "Aurora went to A&E after a head injury at home" told briefly.
//
// Flagged rows are linked both ways and never merged: the council reads both and decides.
func flagSameEvents(rows []Row) {
	byDate := map[string][]int{}
	for i, r := range rows {
		if r.Date != "" && len(r.words) > 0 {
			byDate[r.Date] = append(byDate[r.Date], i)
		}
	}
	for _, group := range byDate {
		for x, i := range group {
			for _, j := range group[x+1:] {
				if sameEvent(&rows[i], &rows[j]) {
					rows[i].SameEvent = append(rows[i].SameEvent, j)
					rows[j].SameEvent = append(rows[j].SameEvent, i)
				}
			}
		}
	}
	for i := range rows {
		slices.Sort(rows[i].SameEvent)
	}
}

func sameEvent(a, b *Row) bool {
	if a.Agency == b.Agency || a.contribution == b.contribution {
		return false
	}
	if len(a.Children) > 0 && len(b.Children) > 0 && !slices.ContainsFunc(a.Children, func(c string) bool { return slices.Contains(b.Children, c) }) {
		return false
	}
	shared := 0
	for _, w := range a.words {
		if _, found := slices.BinarySearch(b.words, w); found {
			shared++
		}
	}
	return 2*shared >= min(len(a.words), len(b.words))
}

// commonWords are dropped before event texts are compared: they say nothing about which event it was.
var commonWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the and for with was were are his her him she they them their this that from have has had
		not but out who which when what where there then than into onto over after before about also been being did does
		our you your its it's child children family mum dad mother father parent parents carer reported said told`) {
		commonWords[w] = true
	}
}

// normalise is a text's distinct words for comparison, sorted: lower case, letters and digits only, no
// common words, none shorter than three characters.
func normalise(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) >= 3 && !commonWords[w] {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
