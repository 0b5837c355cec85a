package renderer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"formportal/engine"
	"formportal/i18n"
)

// A table (or list) on a form page is drawn as its rows' answers, a page of rows at a time, and each row
// is added or changed on a row page of its own that asks only that row's questions. The form page never
// posts the rows, so a save never sends the whole table, and a page of a 2,000-row chronology draws 50.

// TablePageSize is how many rows of a table (items of a list) a form page shows at once.
const TablePageSize = 50

// cellTextLimit is how much of a long answer a table cell shows; the row page has it all.
const cellTextLimit = 300

// TableView is an editable table or list: its rows' answers as text, a page of them at a time, each row
// with Change and Remove, and the ways to add rows.
type TableView struct {
	List    bool // a list: drawn as GOV.UK's "add another" summary list
	Columns []*engine.Field
	Rows    []TableRow
	Total   int // rows in all
	Page    int // the page of rows shown, from 1
	Pages   int
	From    int // the number of the first row shown, from 1
	To      int
	Full    bool   // as many rows as the table can hold
	Noun    string // "row", "person"
	Nouns   string // "rows", "people"
	// RowHref is the row page's address without the row: RowHref + "3" or RowHref + "new".
	RowHref string
	// Paste is pasted text that could not be added, shown again for correction, and PasteError why.
	Paste      string
	PasteError string
	PasteOpen  bool
	// Announce is what the live region says after a row was saved in place: "Row 3 has been saved".
	Announce string
	// SectionStatus, with Announce, is the page's status after the change (NavItem.Status), for the
	// script to put in the section list as a page drawn afresh would.
	SectionStatus string
	// InPlace is false for a list that its page does not draw in place or paste into (lists15): a list
	// inside a list's item and one whose items hold lists, whose every step is a page of its own, and one
	// a section repeats for, so that the task list shows an item's page as soon as it is added.
	InPlace bool
}

// TableRow is one row of a table view.
type TableRow struct {
	Index   int      // in the answers
	Label   string   // "Row 3", "Person 2"
	Cells   []string // each column's answer as text
	Hash    string   // the row's answers as drawn, so that Remove removes this very row
	Problem string   // the first problem with the row, when problems are shown
	Focus   bool     // the row just saved: focus returns to it
	Fixed   bool     // one of the table's fixed rows: headed by its label, and never removed
	Mark    string   // the council's comment on the row, when it returned the form for more information
}

// PageLink is one link of a table's pagination.
type PageLink struct {
	Number  int
	Current bool
	Gap     bool // an ellipsis
}

// RowHash identifies a row's answers (any answer), so that a change or a removal can tell whether the
// row is still the one drawn. A page of rows hashes fifty, so the answer is written out by hand, keys in
// order, rather than through encoding/json's reflection.
func RowHash(row any) string {
	var buf [512]byte
	sum := sha256.Sum256(appendCanonical(buf[:0], row))
	return hex.EncodeToString(sum[:12])
}

// appendCanonical writes a JSON value as read from a draft, one way only: object keys sorted.
func appendCanonical(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return strconv.AppendQuote(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case float64:
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	case []any:
		b = append(b, '[')
		for i, x := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanonical(b, x)
		}
		return append(b, ']')
	case map[string]any:
		var small [16]string
		keys := small[:0]
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(strconv.AppendQuote(b, k), ':')
			b = appendCanonical(b, v[k])
		}
		return append(b, '}')
	}
	j, _ := json.Marshal(v) // anything else, as encoding/json writes it
	return append(b, j...)
}

// TableParam is the query parameter naming the page of rows a table view shows: "events-page". Field
// ids never contain a hyphen.
func TableParam(fieldID string) string { return fieldID + "-page" }

// RowHref is the address of a row page: the form page's, with the table and the row ("new" to add one).
func RowHref(pageHref, fieldID, row string) string {
	return pageHref + "?field=" + url.QueryEscape(fieldID) + "&row=" + url.QueryEscape(row)
}

// RowPageOf is the page of rows holding the row at index.
func RowPageOf(index int) int { return index/TablePageSize + 1 }

// TableViews keeps the table views built from one draft as stored and checked (its answers, case data,
// computed values and problems fixed), for the requests that draw the same page of rows again: building
// fifty rows' cells and hashes was a sixth of a chronology's page. The row just saved (Focus) and the
// council's comments (Marks) are the request's own, set on a copy of the view kept.
type TableViews struct {
	mu    sync.Mutex
	views map[tableViewKey]*TableView
}

// tableViewKey is what besides the draft a table view depends on: the table, the page it is on and the
// page of rows, and whether problems are shown.
type tableViewKey struct {
	field, prefix, action string
	page                  int
	errors                bool
}

// maxTableViews bounds the views kept for one draft; past it they are all let go.
const maxTableViews = 4

func (tv *TableViews) view(key tableViewKey, build func() *TableView) *TableView {
	tv.mu.Lock()
	defer tv.mu.Unlock()
	if t := tv.views[key]; t != nil {
		return t
	}
	if tv.views == nil || len(tv.views) >= maxTableViews {
		tv.views = map[tableViewKey]*TableView{}
	}
	t := build()
	tv.views[key] = t
	return t
}

func buildTable(fd *engine.Field, raw any, errs map[string]string, in SectionInput) *TableView {
	if in.Tables == nil {
		return newTableView(fd, raw, errs, in)
	}
	key := tableViewKey{field: fd.ID, prefix: in.Prefix, action: in.Action, page: in.TablePages[fd.ID], errors: len(in.Errors) > 0}
	kept := in.Tables.view(key, func() *TableView {
		bare := in
		bare.Focus, bare.Marks = "", nil
		return newTableView(fd, raw, errs, bare)
	})
	t := *kept
	t.Rows = slices.Clone(kept.Rows)
	focus := focusIn(fd, in)
	for i := range t.Rows {
		t.Rows[i].Focus, t.Rows[i].Mark = t.Rows[i].Index == focus, in.Marks[in.Prefix+fieldPathAt(fd.ID, t.Rows[i].Index)]
	}
	return &t
}

// focusIn is the index of the table's row that focus returns to, or -1.
func focusIn(fd *engine.Field, in SectionInput) int {
	if field, idx, ok := strings.Cut(in.Focus, "."); ok && field == fd.ID {
		if n, err := strconv.Atoi(idx); err == nil {
			return n
		}
	}
	return -1
}

func newTableView(fd *engine.Field, raw any, errs map[string]string, in SectionInput) *TableView {
	rows := fd.FixedRowsFirst(raw)
	t := &TableView{List: fd.Type == engine.TypeList, Total: len(rows), Noun: RowNounIn(in.Lang, fd), Nouns: RowNounsIn(in.Lang, fd), Full: len(rows) >= MaxRows(fd),
		RowHref: RowHref(in.Action, fd.ID, ""), InPlace: !holdsList(fd) && !fd.HasItemIDs()}
	for _, col := range fd.Children() {
		if col.Answerable() {
			t.Columns = append(t.Columns, col)
		}
	}
	t.Pages = max(1, (len(rows)+TablePageSize-1)/TablePageSize)
	t.Page = min(max(1, in.TablePages[fd.ID]), t.Pages)
	start := (t.Page - 1) * TablePageSize
	end := min(start+TablePageSize, len(rows))
	t.From, t.To = start+1, end
	focus := focusIn(fd, in)
	for i := start; i < end; i++ {
		row, _ := rows[i].(map[string]any)
		tr := TableRow{Index: i, Label: RowLegend(in.Lang, fd, i), Hash: RowHash(row), Focus: i == focus, Fixed: fd.IsFixedRow(i),
			Mark: in.Marks[in.Prefix+fieldPathAt(fd.ID, i)]}
		for _, col := range t.Columns {
			cell := row[col.ID]
			if col.Type == engine.TypeComputed {
				cell = in.Computed[in.Prefix+fieldPathIn(fd.ID, i, col.ID)]
			}
			tr.Cells = append(tr.Cells, shorten(strings.Join(col.FormatDraft(cell, in.Children), ", ")))
			if tr.Problem == "" {
				tr.Problem = errs[fieldPathIn(fd.ID, i, col.ID)]
			}
		}
		t.Rows = append(t.Rows, tr)
	}
	return t
}

func fieldPathIn(container string, row int, col string) string {
	return container + "[" + strconv.Itoa(row) + "]." + col
}

// shorten cuts a long answer at a space near the limit.
func shorten(s string) string {
	r := []rune(s)
	if len(r) <= cellTextLimit {
		return s
	}
	cut := string(r[:cellTextLimit])
	if i := strings.LastIndexByte(cut, ' '); i > cellTextLimit/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// Pagination lists the page links of a table view: the first, the last, and those around the current
// one, with gaps between, as GOV.UK's pagination does.
func (t *TableView) Pagination() []PageLink {
	var out []PageLink
	for n := 1; n <= t.Pages; n++ {
		if n == 1 || n == t.Pages || n >= t.Page-1 && n <= t.Page+1 {
			out = append(out, PageLink{Number: n, Current: n == t.Page})
		} else if len(out) > 0 && !out[len(out)-1].Gap {
			out = append(out, PageLink{Gap: true})
		}
	}
	return out
}

// RowPageView is the page of one row of a table (one item of a list): only that row's questions.
type RowPageView struct {
	Page         Page
	FormTitle    string
	Header       templ.Component
	SectionTitle string
	ChildName    string
	Title        string // "Change row 3", "Add a row"
	Fields       []FieldView
	Action       string // where the row posts
	Back         string // the table's page
	DraftVersion int
	RowHash      string // the row as drawn; empty for a new row
	// RowCount is how many rows the table (or the inner list) had when the row was drawn: a save that
	// finds the row gone and fewer rows takes it as removed, rather than changed (rowConflict).
	RowCount int
	// OuterHash is, on the page of an item of a list inside another list's item, the holding item as
	// drawn (lists15).
	OuterHash string
	// OuterCount is how many items the outer list had then: a save finding the holding item gone and
	// fewer items takes it as removed, so that the inner item never goes into the item in its place.
	OuterCount int
	AddAnother string // "Save and add another row", when another row fits
	// Conflict says the row was changed or removed in another tab or window after this page was drawn;
	// the page shows what the person typed, not yet saved.
	Conflict bool
	// Fragment is the row drawn in place on the table's page by the script, with its own error summary.
	Fragment bool
	// Saved is what the live region says of the row once stored ("Person 2 has been saved"), for the
	// script closing a row that Find address saved (a search saves the row); empty for a new row.
	Saved string
}

// RowHashInput is the name of the hidden input holding the row's hash as drawn, and RowCountInput
// that of the number of rows then.
const (
	RowHashInput  = "row-hash"
	RowCountInput = "row-count"
)

// RowInput is what a row page needs: the table, which row, its answers and its problems.
type RowInput struct {
	Field    *engine.Field // the table or list
	Index    int           // the row's index in the answers; for a new row, the number of rows
	Row      map[string]any
	Errors   []engine.FieldError // the row's problems, when they are to be shown
	Prefix   string              // the path prefix of errors ("children.c1.") for a per-child page
	Children []engine.Child
	Lang     i18n.Lang // as SectionInput's
	// The row page's address (its buttons post to it), and as SectionInput's: whether address questions
	// offer Find address, and what a search just found, by path ("household[0].address").
	Action        string
	AddressLookup bool
	Searches      map[string]*AddressSearch
}

// RowPath is the path of a question of a row, as BuildRow's views and the engine's problems have it:
// "household[0].address".
func RowPath(fd *engine.Field, index int, col *engine.Field) string {
	return fd.ID + "[" + strconv.Itoa(index) + "]." + col.ID
}

// BuildRow makes the views of one row's questions. Their ids are the row's paths ("events-3-date", as
// the engine's problems name them); their names start "row.", whichever row it is, so that a row
// posted after others were added or removed elsewhere is still read whole.
func BuildRow(in RowInput) []FieldView {
	errs := errorsByPath(in.Errors, in.Prefix)
	path := in.Field.ID + "[" + strconv.Itoa(in.Index) + "]."
	si := SectionInput{Children: in.Children, Lang: in.Lang, Action: in.Action, AddressLookup: in.AddressLookup, Searches: in.Searches}
	inRow := func(t *engine.Field) bool { return t.Parent() == in.Field }
	q := questions{
		onPage: inRow,
		name:   func(t *engine.Field) (string, bool) { return rowInputPrefix + t.ID, inRow(t) },
		build: func(col *engine.Field) FieldView {
			if col.Type == engine.TypeList { // lists15: a list inside the item, its items on pages of their own
				return innerList(col, in.Row[col.ID], path, errs, in.Action, si)
			}
			return buildField(col, in.Row[col.ID], path+col.ID, rowInputPrefix+col.ID, errs, si)
		},
	}
	// A computed value is worked out when the row is saved, and shown in the table or list.
	var asked []*engine.Field
	for _, col := range in.Field.Children() {
		if col.Typed() {
			asked = append(asked, col)
		}
	}
	return q.views(asked)
}

// rowInputPrefix starts the names of a row page's inputs. Ids never contain a dot, so no question of a
// form page, nor the page's own inputs (action, csrf_token), has a name like these.
const rowInputPrefix = "row."

// RowInputName is the name of a row page's input for a question of the row: "row.address".
func RowInputName(col *engine.Field) string { return rowInputPrefix + col.ID }

// RowTitle is a row page's heading in l: "Add a row", "Change row 3", "Add a person", "Change person 2".
func RowTitle(l i18n.Lang, fd *engine.Field, index int, isNew bool) string {
	noun := RowNounIn(l, fd)
	if isNew {
		return addA(l, noun)
	}
	if fd.IsFixedRow(index) {
		return i18n.In(l, "table.change_fixed", "Label", fd.FixedRows[index].Label)
	}
	return i18n.In(l, "table.change_row", "Noun", noun, "Number", index+1)
}

// addA is "Add a row", "Add an item": English's article follows the noun's first letter.
func addA(l i18n.Lang, noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return i18n.In(l, "table.add_an", "Noun", noun)
	}
	return i18n.In(l, "table.add_a", "Noun", noun)
}

// DecodeRow reads a posted row page into the row's answers.
func DecodeRow(fd *engine.Field, form url.Values) map[string]any {
	row := map[string]any{}
	for _, col := range fd.Children() {
		// Computed answers are worked out, and a list inside the item is changed on pages of its own:
		// neither is ever read from a post (a crafted "row.agencies" was kept as text in its place).
		if !col.Typed() || col.Container() {
			continue
		}
		if v, ok := decodeField(col, form, rowInputPrefix+col.ID); ok {
			row[col.ID] = v
		}
	}
	return row
}

// EncodeRow is the inverse of DecodeRow: the post a browser sends from the row page with these answers.
func EncodeRow(fd *engine.Field, row map[string]any) url.Values {
	out := url.Values{}
	for _, col := range fd.Children() {
		if col.Typed() && !col.Container() {
			encodeField(col, row[col.ID], rowInputPrefix+col.ID, out)
		}
	}
	return out
}

func rowID(f FieldView, row TableRow) string { return f.ID + "-row-" + strconv.Itoa(row.Index) }

func pageAction(f FieldView, page int) string {
	return "rows:" + f.Field.ID + ":" + strconv.Itoa(page)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func addLabel(ctx context.Context, t *TableView) string {
	if t.Total == 0 {
		return addA(i18n.From(ctx), t.Noun)
	}
	return i18n.T(ctx, "table.add_another", "Noun", t.Noun)
}

func columnLabels(t *TableView) string {
	var labels []string
	for _, c := range t.Columns {
		if c.Typed() && !c.ReadOnly { // the columns a paste fills (pasteColumns)
			labels = append(labels, c.Label)
		}
	}
	return strings.Join(labels, ", ")
}

// pastesDates says whether a paste fills a date column, so that the paste's hint says how to write one.
func pastesDates(t *TableView) bool {
	for _, c := range t.Columns {
		if c.Typed() && !c.ReadOnly && (c.Type == engine.TypeDate || c.Type == engine.TypeDateOfBirth) {
			return true
		}
	}
	return false
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// fieldPathAt is the path of a row of a table or list: "events[2]".
func fieldPathAt(container string, row int) string {
	return container + "[" + strconv.Itoa(row) + "]"
}

// holdsList reports whether a list's items hold a list of their own (lists15).
func holdsList(fd *engine.Field) bool {
	for _, c := range fd.Children() {
		if c.Type == engine.TypeList {
			return true
		}
	}
	return false
}

// innerList is the view of a list inside a row's item, on the item's page: a summary of its items whose
// buttons post the item's page (action) to save it and go to an inner item's page. errs are the row
// page's, by path from the outer list ("household[2].agencies[1].name"); path is the item's.
func innerList(fd *engine.Field, raw any, path string, errs map[string]string, action string, si SectionInput) FieldView {
	inner := make(map[string]string)
	for k, m := range errs {
		if rest, ok := strings.CutPrefix(k, path); ok {
			inner[rest] = m
		}
	}
	v := FieldView{Field: fd, ID: htmlID(path + fd.ID), Name: rowInputPrefix + fd.ID, Label: fd.Label, Hint: fd.Hint, Required: fd.Required,
		Error: errs[path+fd.ID]}
	si.Action = action
	v.Table = buildTable(fd, raw, inner, si)
	v.Table.InPlace = false
	return v
}
