package renderer

import (
	"fmt"
	"strconv"
	"strings"

	"formportal/engine"
)

// MaxRowProblems is how many problems of a table's rows an error summary lists; the rest are counted.
const MaxRowProblems = 10

// ErrorItems lists the problems of a page drawn from in, for its error summary, each linked to its
// question. A problem in a table's row links to that row's Change button, on whichever page of rows it
// is; past the first few, a table's problems are counted rather than listed.
func ErrorItems(in SectionInput, errs []engine.FieldError) []ErrorItem {
	var out []ErrorItem
	more := map[string]int{}
	listed := map[string]int{}
	var order []string
	for _, e := range errs {
		path := strings.TrimPrefix(e.Path, in.Prefix)
		table, idx, inRow := RowOfPath(path)
		if !inRow {
			out = append(out, ErrorItem{Field: ErrorID(in.Section.Field(e.Field), in.idPrefix()+path), Message: e.Message})
			continue
		}
		if listed[table] >= MaxRowProblems {
			if more[table] == 0 {
				order = append(order, table)
			}
			more[table]++
			continue
		}
		listed[table]++
		item := ErrorItem{Field: htmlID(in.idPrefix()+table) + "-" + strconv.Itoa(idx), Message: e.Message}
		if page := RowPageOf(idx); page != max(1, in.TablePages[table]) {
			item.Href = in.Action + "?" + TableParam(table) + "=" + strconv.Itoa(page) + "#" + item.Field
		}
		out = append(out, item)
	}
	for _, table := range order {
		label := table
		if fd := in.Section.Field(table); fd != nil {
			label = fd.Label
		}
		out = append(out, ErrorItem{Field: htmlID(in.idPrefix() + table), Message: fmt.Sprintf("There are %d more problems in the rows of %s", more[table], label)})
	}
	return out
}

// RowOfPath reads "events[3].date" as the table and the row.
func RowOfPath(path string) (table string, row int, ok bool) {
	table, rest, found := strings.Cut(path, "[")
	if !found {
		return "", 0, false
	}
	idx, _, _ := strings.Cut(rest, "]")
	row, err := strconv.Atoi(idx)
	return table, row, err == nil
}
