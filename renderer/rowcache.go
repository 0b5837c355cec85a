package renderer

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"formportal/i18n"
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

// keptRows is the markup kept, in two generations: rows drawn or used since the newer one started, and the
// ones before. When the newer holds half the bound it becomes the older, and the older is let go, so the
// rows not used for a while go and the cache never holds more than the bound.
var keptRows = &rowCache{limit: rowCacheBytes, newer: map[string][]byte{}}

type rowCache struct {
	limit int

	mu           sync.Mutex
	newer, older map[string][]byte
	size         int // of newer
}

func (c *rowCache) get(key string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.newer[key]; ok {
		return b
	}
	b, ok := c.older[key]
	if ok {
		c.add(key, b)
	}
	return b
}

func (c *rowCache) put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(key, b)
}

func (c *rowCache) add(key string, b []byte) {
	cost := len(key) + len(b)
	if cost > c.limit/8 {
		return
	}
	if c.size+cost > c.limit/2 {
		c.older, c.newer, c.size = c.newer, map[string][]byte{}, 0
	}
	c.newer[key] = b
	c.size += cost
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
		if b := keptRows.get(key); b != nil {
			_, err := w.Write(b)
			return err
		}
		var buf bytes.Buffer
		if err := templ.GetChildren(ctx).Render(templ.ClearChildren(ctx), &buf); err != nil {
			return err
		}
		keptRows.put(key, buf.Bytes())
		_, err := w.Write(buf.Bytes())
		return err
	})
}
