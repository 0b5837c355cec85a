package renderer

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"formportal/i18n"
	"formportal/internal/kept"
)

// Drawing the fifty rows a table's page shows was half the time of a chronology's page, drawn again and
// again with the same rows: by the next request on the same draft, and by the table page after a save,
// which changed one row. So each row's markup is kept, keyed by everything it shows (rowCacheKey):
// the table's part of it (ids, noun, column labels, the language) and the row's (its number, label,
// cells, hash, problem, focus and the council's comment); the row pages' address is the table's, not
// its rows'. Being keyed by what it shows, a row's markup can only ever be drawn again for a row that
// shows exactly the same, whoever asks.
//
// Everything the row's markup reads must be in its key: a change to the markup of a table row that reads
// something else of the FieldView or the TableRow adds it to rowCacheKey (TestRowCacheKeyHasAllARowShows).

// rowCacheBytes bounds the markup kept, keys included: about four thousand rows of a chronology.
const rowCacheBytes = 8 << 20

// keptRows is the rows' markup kept.
var keptRows = newRowCache()

func newRowCache() *kept.Cache[string, []byte] {
	return kept.New(rowCacheBytes, func(key string, b []byte) int { return len(key) + len(b) })
}

// rowCacheKey is everything a table row's markup shows.
func rowCacheKey(ctx context.Context, f FieldView, row TableRow) string {
	var b strings.Builder
	sep := func(s string) { b.WriteString(s); b.WriteByte(0) }
	sep(string(i18n.From(ctx)))
	sep(f.ID)
	sep(f.Field.ID)
	sep(f.Table.Noun)
	for _, c := range f.Table.Columns {
		sep(c.Label)
	}
	b.WriteByte(1)
	sep(strconv.Itoa(row.Index))
	sep(row.Label)
	for _, c := range row.Cells {
		sep(c)
	}
	b.WriteByte(1)
	sep(row.Hash)
	sep(row.Problem)
	sep(row.Mark)
	sep(strconv.FormatBool(row.Focus) + strconv.FormatBool(row.Fixed))
	return b.String()
}

// keptRow draws a table row's markup, its children, or writes what was drawn for the same key before.
func keptRow(f FieldView, row TableRow) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		key := rowCacheKey(ctx, f, row)
		if b, ok := keptRows.Get(key); ok {
			_, err := w.Write(b)
			return err
		}
		var buf bytes.Buffer
		if err := templ.GetChildren(ctx).Render(templ.ClearChildren(ctx), &buf); err != nil {
			return err
		}
		keptRows.Put(key, buf.Bytes())
		_, err := w.Write(buf.Bytes())
		return err
	})
}
