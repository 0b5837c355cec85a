package engine

import (
	"fmt"
	"maps"
)

// A table may start with fixed rows (GP, School, Health visitor): rows that are always there, each with
// its label as the row's header, which people fill in but cannot remove; rows added after them are
// ordinary rows. A fixed row is stored as a row with its id under FixedRowKey, so it keeps its place
// and label whatever the other rows do; a fixed row left blank is kept (as only its id) and is not
// checked: the professional may have nothing to say about the health visitor.

// FixedRowKey is the key of a row that holds the id of the fixed row it is. Column ids are lower case,
// so no column can have it.
const FixedRowKey = "fixedRow"

// FixedRow is one of the rows a table starts with.
type FixedRow struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// FixedRowOf returns the fixed row a row of the table is, or nil for an ordinary row.
func (fd *Field) FixedRowOf(row map[string]any) *FixedRow {
	id, _ := row[FixedRowKey].(string)
	if id == "" {
		return nil
	}
	for i := range fd.FixedRows {
		if fd.FixedRows[i].ID == id {
			return &fd.FixedRows[i]
		}
	}
	return nil
}

// FixedRowsFirst returns a table's rows with its fixed rows first, in the order the form gives them
// (the row stored for each, or a blank one), then the other rows in their order. A row naming a fixed
// row the table no longer has, or one already placed, is an ordinary row. Without fixed rows the rows
// are returned as they are.
func (fd *Field) FixedRowsFirst(v any) []any {
	rows, _ := v.([]any)
	if len(fd.FixedRows) == 0 {
		return rows
	}
	out := make([]any, len(fd.FixedRows), len(fd.FixedRows)+len(rows))
	for i, fr := range fd.FixedRows {
		out[i] = map[string]any{FixedRowKey: fr.ID}
	}
	placed := make([]bool, len(fd.FixedRows))
	for _, r := range rows {
		row, _ := r.(map[string]any)
		if _, marked := row[FixedRowKey]; !marked {
			out = append(out, r)
			continue
		}
		if fr := fd.fixedIndex(row); fr >= 0 && !placed[fr] {
			placed[fr], out[fr] = true, row
			continue
		}
		plain := maps.Clone(row)
		delete(plain, FixedRowKey)
		if rowAnswered(fd, plain) {
			out = append(out, plain)
		}
	}
	return out
}

func (fd *Field) fixedIndex(row map[string]any) int {
	id, _ := row[FixedRowKey].(string)
	for i, fr := range fd.FixedRows {
		if fr.ID == id {
			return i
		}
	}
	return -1
}

// IsFixedRow reports whether the row at index of the table's rows, as FixedRowsFirst puts them, is one
// of its fixed rows.
func (fd *Field) IsFixedRow(index int) bool { return index >= 0 && index < len(fd.FixedRows) }

// checkFixedRows reports fixed rows sharing an id, and a table that cannot hold its own fixed rows.
func (c *checker) checkFixedRows(fd *Field) {
	if len(fd.FixedRows) == 0 {
		return
	}
	seen := map[string]int{}
	for i, fr := range fd.FixedRows {
		if first, dup := seen[fr.ID]; dup {
			c.errorf(fmt.Sprintf("%s/fixedRows/%d/id", fd.pointer, i), "fixed-rows", "%s: fixed row %q is already used by fixed row %d", fd.containerPlace(), fr.ID, first+1)
			continue
		}
		seen[fr.ID] = i
	}
	if fd.MaxRows != nil && *fd.MaxRows < len(fd.FixedRows) {
		c.errorf(fd.pointer+"/maxRows", "fixed-rows", "%s: maxRows (%d) is fewer than its %d fixed rows", fd.containerPlace(), *fd.MaxRows, len(fd.FixedRows))
	}
}

// compareFixedRows warns of a fixed row removed from a table: drafts keep its answers as an ordinary row,
// but consumers of submissions no longer receive that row by its id.
func compareFixedRows(old, new *Form, of, nf *Field, at compatReport) {
	for i, fr := range of.FixedRows {
		if nf.fixedIndex(map[string]any{FixedRowKey: fr.ID}) < 0 {
			at(old, fmt.Sprintf("%s/fixedRows/%d", of.pointer, i), Warning, "compat-fixed-rows",
				"fixed row %q of %s was removed: drafts keep its answers as an added row, and submissions no longer name it", fr.ID, nf.containerPlace())
		}
	}
}
