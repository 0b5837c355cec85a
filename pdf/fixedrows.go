package pdf

import "formportal/engine"

// A table's fixed rows (GP, School) are headed by their labels: a first column holds them, answered or
// blank, and is empty on the rows added after them.

// fixedRowsHead is the header of the column of a table's fixed rows' labels, or "" for a table without
// fixed rows.
func fixedRowsHead(fd *engine.Field) string {
	if len(fd.FixedRows) == 0 {
		return ""
	}
	if fd.ItemLabel != "" {
		return fd.ItemLabel
	}
	return "Row"
}

// fixedRowLabel is what the column of labels holds in a row of the table.
func fixedRowLabel(fd *engine.Field, row map[string]any) string {
	if fr := fd.FixedRowOf(row); fr != nil {
		return fr.Label
	}
	return ""
}

// blankFixedRows are the rows of a blank form's table for its fixed rows: the label, and room to write.
func blankFixedRows(fd *engine.Field) [][]string {
	var out [][]string
	for _, fr := range fd.FixedRows {
		row := make([]string, len(fd.Columns)+1)
		row[0] = fr.Label + "\n\n" // three lines high, to write in
		out = append(out, row)
	}
	return out
}
