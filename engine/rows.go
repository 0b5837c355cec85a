package engine

import (
	"cmp"
	"slices"
	"strings"
)

// Rows of tables and items of lists, one at a time: the portal edits, orders and checks them one row
// at a time, so that a chronology of a thousand rows is never re-sent or re-checked whole for one change.

// RowAnswered reports whether a row (an item) has any answer; the engine drops blank rows.
func (fd *Field) RowAnswered(row map[string]any) bool { return rowAnswered(fd, row) }

// OrderRows puts a table's rows (a list's items) in the order of its orderBy column: dates and numbers
// by value, choices in the order of their options, text alphabetically; rows without a usable answer
// there come last, and rows that compare equal keep their order. from[i] is the index in rows of the
// row now at i. Without orderBy the order is unchanged.
func (fd *Field) OrderRows(rows []any) (ordered []any, from []int) {
	from = make([]int, len(rows))
	for i := range from {
		from[i] = i
	}
	col := fd.Child(fd.OrderBy)
	if col == nil && len(fd.FixedRows) == 0 {
		return rows, from
	}
	keys := make([]orderKey, len(rows))
	rank := make([]int, len(rows)) // struct15: fixed rows first, in their order
	for i, r := range rows {
		row, _ := r.(map[string]any)
		if col != nil {
			keys[i] = orderKeyOf(col, row[col.ID])
		}
		if rank[i] = len(fd.FixedRows); fd.FixedRowOf(row) != nil {
			rank[i] = fd.fixedIndex(row)
		}
	}
	slices.SortStableFunc(from, func(a, b int) int {
		if r := cmp.Compare(rank[a], rank[b]); r != 0 {
			return r
		}
		return keys[a].compare(keys[b])
	})
	ordered = make([]any, len(rows))
	for i, j := range from {
		ordered[i] = rows[j]
	}
	return ordered, from
}

// orderKey is what a row sorts by: a number, or else text; missing sorts after both.
type orderKey struct {
	missing bool
	num     float64
	text    string
}

func (k orderKey) compare(o orderKey) int {
	switch {
	case k.missing || o.missing:
		if k.missing == o.missing {
			return 0
		}
		if k.missing {
			return 1
		}
		return -1
	case k.num != o.num:
		return cmp.Compare(k.num, o.num)
	}
	return strings.Compare(k.text, o.text)
}

func orderKeyOf(col *Field, v any) orderKey {
	if !isAnswered(v) {
		return orderKey{missing: true}
	}
	switch col.Type {
	case TypeDate:
		d, problem := parseDate(v)
		return orderKey{missing: problem != "", text: d}
	case TypeNumber:
		n, ok := toNumber(v)
		return orderKey{missing: !ok, num: n}
	case TypeYesNo:
		s, ok := yesNo(v)
		if s == valueNo {
			return orderKey{missing: !ok, num: 1}
		}
		return orderKey{missing: !ok}
	case TypeSelect, TypeRadios:
		s := strings.TrimSpace(textOf(v))
		for i, o := range col.Options {
			if o.Value == s {
				return orderKey{num: float64(i)}
			}
		}
		return orderKey{missing: true}
	}
	return orderKey{text: strings.ToLower(strings.TrimSpace(textOf(v)))}
}

// ValidateRow checks one row of a table (one item of a list) on its own, as Validate checks it when it
// is at index among the answered rows: the same messages (" in row 3") and paths. answers are the rest
// of the draft, for conditions on questions outside the row; childID names the repetition (a child, or
// a list's item) of a repeating section.
func (f *Form) ValidateRow(caseData any, answers Answers, fd *Field, childID string, row map[string]any, index int, opts ValidateOptions) []FieldError {
	return f.ValidateRowIn(caseData, answers, childID, nil, RowAt{Field: fd, Row: row, Index: index}, opts)
}

// ValidateRowIn checks one row as ValidateRow does; with outer, the row is an item of a list inside
// outer's item (lists15), checked with outer's answers in reach and its messages naming both
// ("for agency 2 of household member 3").
func (f *Form) ValidateRowIn(caseData any, answers Answers, childID string, outer *RowAt, at RowAt, opts ValidateOptions) []FieldError {
	caseData = normaliseJSON(caseData)
	v := f.newValidation(caseData, opts)
	sc := &scope{v: v, values: answers.Values, prefilled: v.prefilled.Values, childID: childID}
	if childID != "" {
		for _, c := range v.repetitions(at.Field.section, sc) {
			if c.ID == childID {
				sc = v.repetitionScope(answers, c)
			}
		}
	}
	fd, row, index := at.Field, at.Row, at.Index
	path := fieldPath(fd, childID, -1)
	rowScope := *sc
	if outer != nil {
		rowScope.outer = &rowFrame{of: outer.Field, row: outer.Row, index: outer.Index}
		path = fieldPathRow(fieldPath(outer.Field, childID, -1), outer.Index, fd.ID)
	}
	rowScope.rowOf, rowScope.row, rowScope.rowIndex = fd, row, index
	var errs []FieldError
	for _, col := range fd.Children() {
		if !col.Answerable() || !rowScope.holds(col.ShowWhen, 0) {
			continue
		}
		cell := row[col.ID]
		if col.Type == TypeComputed {
			cell = rowScope.raw(col) // worked out for the row, never taken from it
		}
		_, cerrs := v.field(col, cell, &rowScope, fieldPathRow(path, index, col.ID))
		errs = append(errs, cerrs...)
	}
	errs = append(errs, v.itemRuleErrors(fd, &rowScope, path, index)...)
	for i := range errs {
		errs[i].Section, errs[i].Child = fd.section.ID, childID
	}
	return errs
}
