package pdf

import (
	"errors"
	"io"
)

// TableDocument is a table printed on its own under a title and a header block: a request's merged
// chronology (issue 17). It is tagged as every document is: the title an H1, the table with its header
// cells under an H2 of its caption, its header row repeated as an artifact on every page it continues on.
type TableDocument struct {
	Title   string
	Header  []HeaderLine
	Caption string     // what the table is: its section's heading (with a bookmark), repeated above it on every page it continues on
	Heads   []string   // the column headers
	Rows    [][]string // each row's cells; a cell may hold several lines
	NoWrap  []bool     // columns of short values (dates) that should not wrap when there is room
	Marking string     // the protective marking of every page, as Document's
	Lang    string     // as Document's
}

// RenderTable writes a table document as a tagged PDF to w.
func RenderTable(w io.Writer, d TableDocument) (Result, error) {
	if len(d.Heads) == 0 {
		return Result{}, errors.New("pdf: a table document needs columns")
	}
	r, err := startDocument(d.Title, d.Marking, d.Lang)
	if err != nil {
		return Result{}, err
	}
	r.heading(func() { r.lines(left, r.wrap(r.clean(d.Title, stTitle), stTitle, contentW), stTitle) })
	r.under(func() {
		r.gap(4)
		r.header(d.Header)
		r.section(d.Caption, func() {
			r.table(tableSpec{caption: d.Caption + " (continued)", heads: d.Heads, rows: d.Rows, nowrap: d.NoWrap})
		})
	})
	return r.write(w, true)
}
