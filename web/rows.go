package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"formportal/casework"
	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
)

// The rows of tables and lists. A form page shows a table as its rows' answers; each row is added or
// changed on a row page of its own (the form page's address with ?field=events&row=3, or row=new),
// which posts only that row, and is checked on its own. With JavaScript the row page's form is drawn in
// place of the row (&part=row) and posted from there, and the answer is the table's rows drawn again.

const (
	// savedParam names the row just saved, "events.3", in the address of the table's page after saving
	// it, so that focus returns to it.
	savedParam = "saved"
	// partParam asks for part of a page, for the script: part=row is the row's form alone, and a row
	// posted with it is answered with the table's rows.
	partParam = "part"
)

// rowEdit is a change to the rows of one table or list, made to its rows as stored when the draft is
// saved, so that it never undoes what another window saved meanwhile.
type rowEdit struct {
	field *engine.Field
	apply func(rows []any) ([]any, error)
}

var (
	// errRowChanged is a change to a row that was changed or removed in another tab or window since it
	// was drawn: nothing is saved, and the person is asked.
	errRowChanged = errors.New("the row changed in another window since it was drawn")
	// errTableFull is a new row for a table that other windows have filled meanwhile.
	errTableFull = errors.New("the table is full")
	// errDraftTooLarge is a save that would make the draft's answers longer than maxDraftBytes.
	errDraftTooLarge = errors.New("the draft would be too large")
	// errFixedRow is the removal of one of a table's fixed rows, which no page offers.
	errFixedRow = errors.New("a fixed row cannot be removed")
)

func editableRows(fd *engine.Field) bool { return fd != nil && fd.Container() && !fd.ReadOnly }

func rowsOf(v any) []any {
	rows, _ := v.([]any)
	return rows
}

func rowMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// removeRow removes the row drawn at index (hash), where it is now.
func removeRow(fd *engine.Field, index int, hash string) rowEdit {
	return rowEdit{field: fd, apply: func(rows []any) ([]any, error) {
		rows = fd.FixedRowsFirst(rows)
		if fd.IsFixedRow(index) {
			return nil, errFixedRow
		}
		at := drawnRow(fd, rows, index, hash)
		if at < 0 {
			return nil, errRowChanged
		}
		return slices.Delete(slices.Clone(rows), at, at+1), nil
	}}
}

// drawnRow is where the row drawn at index (hash) is now: at index, or where it moved when another
// window removed a row before it or a row saved there put it in another place; -1 when it was changed or
// removed. Writing to the row that took its place would lose that row.
func drawnRow(fd *engine.Field, rows []any, index int, hash string) int {
	if index >= 0 && index < len(rows) && renderer.RowHash(rowMap(rows[index])) == hash {
		return index
	}
	for i, r := range rows {
		if !fd.IsFixedRow(i) && renderer.RowHash(rowMap(r)) == hash {
			return i
		}
	}
	return -1
}

// putRow saves row at index (a new row when index is -1), if the row drawn there (its hash; a post
// without one, from a script rather than the page, is not checked) is still there or has moved, and puts
// the rows in order; at is then where the row is, or -1 when it was left blank and so removed.
func putRow(fd *engine.Field, index int, hash *string, row map[string]any, at *int) rowEdit {
	return rowEdit{field: fd, apply: func(rows []any) ([]any, error) {
		rows = slices.Clone(fd.FixedRowsFirst(rows))
		pos := index
		if fixed := fd.IsFixedRow(index); fixed {
			// A fixed row keeps its place and label, answered or not.
			row[engine.FixedRowKey] = fd.FixedRows[index].ID
		}
		switch {
		case index < 0:
			if len(rows) >= renderer.MaxRows(fd) {
				return nil, errTableFull
			}
			if fd.HasItemIDs() { // lists15: a section repeats for the item, its answers by this id
				row[engine.ItemIDKey] = engine.NewItemID()
			}
			rows, pos = append(rows, row), len(rows)
		case hash == nil && index >= len(rows):
			return nil, errRowChanged
		default:
			if hash != nil && !fd.IsFixedRow(index) {
				if pos = drawnRow(fd, rows, index, *hash); pos < 0 {
					return nil, errRowChanged
				}
			} else if hash != nil && renderer.RowHash(rowMap(rows[index])) != *hash {
				return nil, errRowChanged
			}
			keepUnposted(fd, rowMap(rows[pos]), row)
			rows[pos] = row
		}
		*at = -1
		if !fd.RowAnswered(row) && !fd.IsFixedRow(pos) {
			return slices.Delete(rows, pos, pos+1), nil
		}
		ordered, from := fd.OrderRows(rows)
		*at = slices.Index(from, pos)
		return ordered, nil
	}}
}

// keepUnposted carries into a row posted from its row page what that page does not post: its id (made
// now for an item saved before a section repeated for its list), and the items of the lists inside it,
// which are changed on pages of their own (lists15). Neither is ever taken from a post.
func keepUnposted(fd *engine.Field, stored, posted map[string]any) {
	if fd.HasItemIDs() {
		id := engine.ItemID(stored)
		if id == "" {
			id = engine.NewItemID()
		}
		posted[engine.ItemIDKey] = id
	}
	for _, col := range fd.Children() {
		if v, ok := stored[col.ID]; ok && col.Container() {
			posted[col.ID] = v
		}
	}
}

// paste adds the rows pasted into a table's paste box: each row read, its cells turned into answers as
// the row page would post them, and added; a row with a cell that cannot be read, and rows beyond what
// the table can hold, stay in the box with the reason, by line and column, for correction. Rows added
// are checked like typed rows: the page's problems are shown.
func (f *flow) paste(fd *engine.Field, text string, have int, out *postOutcome) {
	out.errors = true
	if strings.TrimSpace(text) == "" {
		out.setPaste(fd, "", i18n.In(f.lang, "table.paste_empty", "Nouns", renderer.RowNounsIn(f.lang, fd)))
		return
	}
	pasted := renderer.ReadPaste(i18n.WithLang(context.Background(), f.lang), fd, text, f.form.Children(f.caseData))
	if pasted.Problem != "" {
		out.setPaste(fd, text, pasted.Problem)
		return
	}
	room := renderer.MaxRows(fd) - have
	var add []map[string]any
	var kept []renderer.PastedRow
	var problems []string
	overflowLast := false // the last problem is of the rows beyond what the table holds: said once for a run of them
	line := func() int {  // the line in the box drawn again that the next kept row will be on
		if pasted.Heading != nil {
			return len(kept) + 2
		}
		return len(kept) + 1
	}
	more := 0 // problems not listed: a paste of thousands of bad lines is not a page of thousands of messages
	for _, row := range pasted.Rows {
		switch {
		case len(row.Problems) > 0:
			for _, p := range row.Problems {
				if len(problems) >= maxPasteProblems {
					more++
					continue
				}
				where := i18n.In(f.lang, "table.paste_line", "Line", line())
				if p.Column != "" {
					where = i18n.In(f.lang, "table.paste_line_column", "Line", line(), "Column", p.Column)
				}
				problems = append(problems, i18n.In(f.lang, "table.paste_problem", "Where", where, "Message", p.Message))
				overflowLast = false
			}
			kept = append(kept, row)
		case len(add) >= room:
			if !overflowLast && len(problems) < maxPasteProblems {
				problems = append(problems, i18n.In(f.lang, "table.paste_too_many", "Max", renderer.MaxRows(fd), "Nouns", renderer.RowNounsIn(f.lang, fd), "Line", line()))
				overflowLast = true
			}
			kept = append(kept, row)
		default:
			add = append(add, row.Values)
		}
	}
	if len(add) > 0 {
		f.rowEdits = append(f.rowEdits, rowEdit{field: fd, apply: func(rows []any) ([]any, error) {
			rows = slices.Clone(rows)
			for _, r := range add {
				if len(rows) < renderer.MaxRows(fd) {
					if fd.HasItemIDs() {
						r[engine.ItemIDKey] = engine.NewItemID()
					}
					rows = append(rows, r)
				}
			}
			ordered, _ := fd.OrderRows(rows)
			return ordered, nil
		}})
		msg := i18n.In(f.lang, "table.pasted", "Count", len(add), "Nouns", renderer.RowNounsIn(f.lang, fd))
		if len(add) == 1 {
			msg = i18n.In(f.lang, "table.pasted_one", "Noun", renderer.RowNounIn(f.lang, fd))
		}
		if out.banner != "" {
			msg = out.banner + ". " + msg
		}
		out.banner = msg
	}
	if more > 0 {
		problems = append(problems, i18n.In(f.lang, "table.paste_more_problems", "Count", more))
	}
	if len(kept) > 0 {
		out.setPaste(fd, pasted.Text(kept), strings.Join(problems, ". "))
	}
}

// maxPasteProblems is how many of a paste's problems are listed; the rest are counted.
const maxPasteProblems = 10

func (o *postOutcome) setPaste(fd *engine.Field, text, problem string) {
	if o.paste == nil {
		o.paste, o.pasteErr = map[string]string{}, map[string]string{}
	}
	o.paste[fd.ID], o.pasteErr[fd.ID] = text, problem
}

// rowTarget is the row a row page is about: a row of a table or list of the page, or a new one (index
// -1).
type rowTarget struct {
	field *engine.Field
	index int
	// sub is a list inside the item (lists15), when the page is about one of its items: subIndex, or
	// -1 for a new one (nestedrows.go).
	sub      *engine.Field
	subIndex int
}

// rowTargetOf reads which row the address names; ok is false when it names no table or list of the
// page, or no row. A row past the end may be one that moved up when another window removed a row before
// it: a post finds it by its hash (putRow), and a row page for it goes back to the table (showRow).
func (f *flow) rowTargetOf(p page, q url.Values) (rowTarget, bool) {
	fd := p.section.Field(q.Get("field"))
	if !editableRows(fd) || f.readOnly {
		return rowTarget{}, false
	}
	if q.Get("row") == "new" {
		return rowTarget{field: fd, index: -1}, true
	}
	n, err := strconv.Atoi(q.Get("row"))
	if err != nil || n < 0 {
		return rowTarget{}, false
	}
	return rowTarget{field: fd, index: n}, true
}

// tableURL is the table's page showing the row at index, with focus on it when saved.
func (f *flow) tableURL(p page, fd *engine.Field, index int, saved bool) string {
	u := f.pageURL(p)
	if index < 0 {
		return u + "#" + fd.ID
	}
	u += "?" + renderer.TableParam(fd.ID) + "=" + strconv.Itoa(renderer.RowPageOf(index))
	if saved {
		u += "&" + savedParam + "=" + fd.ID + "." + strconv.Itoa(index)
	}
	return u + "#" + fd.ID + "-row-" + strconv.Itoa(index)
}

// rowView is the row page of t, showing row (what is stored, or what was typed) and its problems.
func (f *flow) rowView(r *http.Request, p page, t rowTarget, row map[string]any, errs []engine.FieldError) renderer.RowPageView {
	rows := rowsOf(f.pageValues(p)[t.field.ID])
	index, param := t.index, strconv.Itoa(t.index)
	if t.index < 0 {
		index, param = len(rows), "new"
	}
	title := renderer.RowTitle(f.lang, t.field, index, t.index < 0)
	prefix := ""
	if p.child != nil {
		prefix = "children." + p.child.ID + "."
	}
	pg := f.a.page(r, title+" - "+p.section.Title+" - "+f.form.Title)
	for _, e := range errs {
		path := strings.TrimPrefix(e.Path, prefix)
		pg.Errors = append(pg.Errors, renderer.ErrorItem{Field: renderer.ErrorID(t.field.Child(e.Field), path), Message: e.Message})
	}
	v := renderer.RowPageView{Page: pg, FormTitle: f.form.Title, Header: f.header, SectionTitle: p.section.Title, Title: title,
		Fields: renderer.BuildRow(renderer.RowInput{Field: t.field, Index: index, Row: row, Errors: errs, Prefix: prefix, Children: f.form.Children(f.caseData), Lang: f.lang,
			Action: renderer.RowHref(f.pageURL(p), t.field.ID, param), AddressLookup: f.a.findsAddresses() && !f.readOnly, Searches: f.searches}),
		Action: renderer.RowHref(f.pageURL(p), t.field.ID, param), Back: f.tableURL(p, t.field, t.index, false), DraftVersion: f.resp.Version,
		Fragment: r.URL.Query().Get(partParam) == "row"}
	if t.index >= 0 && t.index < len(rows) {
		v.RowHash, v.RowCount = renderer.RowHash(rowMap(rows[t.index])), len(rows)
		v.Saved = i18n.In(f.lang, "table.saved", "Row", renderer.RowLegend(f.lang, t.field, t.index))
	}
	if len(rows)+1 < renderer.MaxRows(t.field) || t.index >= 0 && len(rows) < renderer.MaxRows(t.field) {
		v.AddAnother = i18n.In(f.lang, "rowpage.save_add", "Noun", renderer.RowNounIn(f.lang, t.field))
	}
	if p.child != nil {
		v.ChildName = p.child.Name
	}
	v.Page.Errors = append(renderer.FinderErrors(v.Fields), v.Page.Errors...)
	return v
}

// showRow draws a row page, or with part=row its form alone.
func (a *App) showRow(w http.ResponseWriter, r *http.Request, f *flow, p page, t rowTarget, showErrors bool) {
	if t.sub != nil {
		a.showSubRow(w, r, f, p, t, showErrors)
		return
	}
	rows := rowsOf(f.pageValues(p)[t.field.ID])
	if t.index >= len(rows) { // removed meanwhile: back to the table
		http.Redirect(w, r, f.pageURL(p), http.StatusSeeOther)
		return
	}
	var row map[string]any
	var errs []engine.FieldError
	if t.index >= 0 {
		row = rowMap(rows[t.index])
		if showErrors {
			errs = f.validateRow(p, t.field, row, t.index)
		}
	}
	a.renderRow(w, r, f.rowView(r, p, t, row, errs))
}

func (a *App) renderRow(w http.ResponseWriter, r *http.Request, v renderer.RowPageView) {
	if v.Fragment {
		a.render(w, r, renderer.RowEditor(v))
		return
	}
	a.render(w, r, renderer.RowPage(v))
}

func (f *flow) validateRow(p page, fd *engine.Field, row map[string]any, index int) []engine.FieldError {
	child := ""
	if p.child != nil {
		child = p.child.ID
	}
	return f.form.ValidateRow(f.caseData, f.answers, fd, child, row, index, engine.ValidateOptions{Sections: f.resp.Sections, Today: f.a.now(), Lang: string(f.lang)})
}

// postRow saves a posted row page: the row checked on its own and saved, problems or not, so nothing
// typed is lost. Without problems it goes back to the table, focus on the row; with them the row page
// shows them. A new row left blank adds nothing.
func (a *App) postRow(w http.ResponseWriter, r *http.Request, f *flow, p page, t rowTarget) {
	if t.sub != nil {
		a.postSubRow(w, r, f, p, t)
		return
	}
	body, err := readPageBody(w, r, rowLimitsFor(t.field, f.form.Children(f.caseData)))
	if err != nil {
		a.unreadablePost(w, r, err)
		return
	}
	rows := rowsOf(f.pageValues(p)[t.field.ID])
	index := t.index
	if index < 0 {
		index = len(rows)
	}
	row := renderer.DecodeRow(t.field, body.values)
	if verb, sub, subIndex, hash, inner := innerAction(t.field, body.values.Get("action")); inner {
		a.postInnerAction(w, r, f, p, t, body, row, verb, sub, subIndex, hash)
		return
	}
	finding := f.rowFinding(t.field, body, row)
	if t.index < 0 && !t.field.RowAnswered(row) {
		if finding != nil { // Find address with nothing typed: no postcode
			f.searches = map[string]*renderer.AddressSearch{renderer.RowPath(t.field, index, finding.field): a.findAddress(r, "")}
			w.WriteHeader(http.StatusUnprocessableEntity)
			a.renderRow(w, r, f.rowView(r, p, t, row, nil))
			return
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.renderRow(w, r, f.rowView(r, p, t, row, f.validateRow(p, t.field, row, index)))
		return
	}
	at := -1
	var drawn *string
	if h, ok := body.values[renderer.RowHashInput]; ok && len(h) > 0 {
		drawn = &h[0]
	}
	f.rowEdits = append(f.rowEdits, putRow(t.field, t.index, drawn, row, &at))
	err = f.saveRows(r, p)
	switch {
	case errors.Is(err, errRowChanged):
		a.rowConflict(w, r, f, p, t, row)
		return
	case errors.Is(err, errTableFull), errors.Is(err, errDraftTooLarge):
		a.rowRefused(w, r, f, p, t, row, refusal(f.lang, t.field, err))
		return
	case errors.Is(err, casework.ErrNotAllowed):
		http.Redirect(w, r, f.closeTo, http.StatusSeeOther)
		return
	case err != nil:
		a.serverError(w, r, err)
		return
	}
	fragment := r.URL.Query().Get(partParam) == "row"
	if at < 0 { // left blank: removed
		if fragment {
			a.renderTableRows(w, r, f, p, t.field, -1, i18n.In(f.lang, "table.removed", "Row", renderer.RowLegend(f.lang, t.field, t.index)))
			return
		}
		http.Redirect(w, r, f.tableURL(p, t.field, -1, false), http.StatusSeeOther)
		return
	}
	if finding != nil {
		// Saved, and drawn again with what was found (or with the address chosen in its lines).
		saved := rowTarget{field: t.field, index: at}
		if finding.search {
			s := a.findAddress(r, finding.postcode)
			if finding.choose && s.Status == renderer.SearchFound {
				s.Error = i18n.T(r.Context(), "address.choose")
			}
			f.searches = map[string]*renderer.AddressSearch{renderer.RowPath(t.field, at, finding.field): s}
		}
		v := f.rowView(r, p, saved, row, nil)
		if len(v.Page.Errors) > 0 {
			w.WriteHeader(http.StatusUnprocessableEntity)
		}
		a.renderRow(w, r, v)
		return
	}
	if errs := f.validateRow(p, t.field, row, at); len(errs) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.renderRow(w, r, f.rowView(r, p, rowTarget{field: t.field, index: at}, row, errs))
		return
	}
	switch {
	case fragment:
		a.renderTableRows(w, r, f, p, t.field, at, i18n.In(f.lang, "table.saved", "Row", renderer.RowLegend(f.lang, t.field, at)))
	case body.values.Get("action") == "save-add" && len(rowsOf(f.pageValues(p)[t.field.ID])) < renderer.MaxRows(t.field):
		http.Redirect(w, r, renderer.RowHref(f.pageURL(p), t.field.ID, "new"), http.StatusSeeOther)
	default:
		http.Redirect(w, r, f.tableURL(p, t.field, at, true), http.StatusSeeOther)
	}
}

// rowRefused draws the row page again with what the person typed, not saved, and why.
func (a *App) rowRefused(w http.ResponseWriter, r *http.Request, f *flow, p page, t rowTarget, row map[string]any, why string) {
	v := f.rowView(r, p, t, row, nil)
	v.Page.Errors = []renderer.ErrorItem{{Field: firstInput(v), Message: why}}
	w.WriteHeader(http.StatusUnprocessableEntity)
	a.renderRow(w, r, v)
}

// firstInput is the id of the first input of a row page, where its error summary links a problem of the
// whole row: a date's day, as GOV.UK's date input does.
func firstInput(v renderer.RowPageView) string {
	return renderer.ErrorID(v.Fields[0].Field, v.Fields[0].ID)
}

// refusal says why a row of fd was not saved: the table filled meanwhile (errTableFull), or the draft
// too large (errDraftTooLarge).
func refusal(l i18n.Lang, fd *engine.Field, err error) string {
	if errors.Is(err, errDraftTooLarge) {
		return draftTooLargeMessage(l, fd)
	}
	return tableFullMessage(l, fd)
}

// tableFullMessage says a row was not added because the table (or list) is full.
func tableFullMessage(l i18n.Lang, fd *engine.Field) string {
	return i18n.In(l, "table.full_not_added", "Max", renderer.MaxRows(fd), "Noun", renderer.RowNounIn(l, fd), "Nouns", renderer.RowNounsIn(l, fd))
}

// rowConflict draws the row page again with what the person typed, not saved, when the row was changed
// or removed in another window: its hidden inputs now carry the row as stored, so saving again keeps
// what they typed.
func (a *App) rowConflict(w http.ResponseWriter, r *http.Request, f *flow, p page, t rowTarget, row map[string]any) {
	if err := f.reload(r.Context(), nil); err != nil {
		a.serverError(w, r, err)
		return
	}
	if rows := len(rowsOf(f.pageValues(p)[t.field.ID])); t.index >= rows || removedSince(r, rows) {
		t.index = -1 // removed there: saving adds it again, rather than over the row that took its place
	}
	v := f.rowView(r, p, t, row, nil)
	v.Conflict = true
	a.log.Info("row save conflict", "response", f.resp.ID, "page", p.key())
	w.WriteHeader(http.StatusConflict)
	a.renderRow(w, r, v)
}

// removedSince says whether a row page posted had more rows (its row count) than there are now: its
// row, gone, was removed rather than changed.
func removedSince(r *http.Request, rows int) bool {
	drawn, err := strconv.Atoi(r.PostFormValue(renderer.RowCountInput))
	return err == nil && drawn > rows
}

// renderTableRows answers a row saved in place: the table's rows, at the page holding the row saved
// (focus on it), and what the live region is to say.
func (a *App) renderTableRows(w http.ResponseWriter, r *http.Request, f *flow, p page, fd *engine.Field, at int, announce string) {
	in := f.sectionInput(r, p, engine.SectionResult{})
	if at >= 0 {
		in.TablePages[fd.ID] = renderer.RowPageOf(at)
		in.Focus = fd.ID + "." + strconv.Itoa(at)
	}
	v := renderer.BuildField(in, fd)
	v.Table.Announce, v.Table.SectionStatus = announce, f.navStatus(f.validate(), p)
	a.render(w, r, renderer.TableRows(v))
}
