package web

import (
	"errors"
	"maps"
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

// Lists inside lists (lists15). An item's row page shows each list inside the item as a summary of its
// own, with Add, Change and Remove buttons that post the item's page: the item is saved as typed, then
// the inner item is added or changed on a page of its own (the item's address with &sub=agencies&subrow=1,
// or subrow=new), or removed. The inner item's page posts only that item, saved into its item as stored.
// Nothing of this needs JavaScript, and the script leaves it alone: each step is a page.

const (
	subParam    = "sub"    // the list inside the item that a row page is about
	subRowParam = "subrow" // which of its items, or "new"
	// outerHashInput carries the item holding an inner item as drawn (its own answers), so that an inner
	// item is never saved into another item that took its place meanwhile.
	outerHashInput = "outer-hash"
	// outerCountInput carries how many items the outer list had when the inner item was drawn.
	outerCountInput = "outer-count"
)

// errBadNesting is an address or post naming a list inside an item that the item does not have: a list
// nested deeper than the form allows, or no list at all. No page draws one.
var errBadNesting = errors.New("no such list inside the item")

// subTargetOf reads which inner item the address names, if any, into t; err is errBadNesting for a
// crafted address. An inner item past the end of its list, or of an item past the end of the outer
// list, may have moved when another window removed one before it: a post finds both by their hashes
// (inItem, putRow), and a page for one not there goes back to the item (showSubRow).
func subTargetOf(t rowTarget, q url.Values) (rowTarget, error) {
	if !q.Has(subParam) {
		return t, nil
	}
	sub := t.field.Child(q.Get(subParam))
	if sub == nil || sub.Type != engine.TypeList || t.index < 0 {
		return rowTarget{}, errBadNesting
	}
	t.sub, t.subIndex = sub, -1
	if q.Get(subRowParam) == "new" {
		return t, nil
	}
	n, err := strconv.Atoi(q.Get(subRowParam))
	if err != nil || n < 0 {
		return rowTarget{}, errBadNesting
	}
	t.subIndex = n
	return t, nil
}

// outerItem is the stored item holding t's inner item.
func (f *flow) outerItem(p page, t rowTarget) map[string]any {
	rows := t.field.FixedRowsFirst(f.pageValues(p)[t.field.ID])
	if t.index < 0 || t.index >= len(rows) {
		return nil
	}
	return rowMap(rows[t.index])
}

// itemHash identifies an item by its own answers, not the lists inside it, which its inner pages change.
func itemHash(fd *engine.Field, item map[string]any) string {
	own := maps.Clone(item)
	for _, col := range fd.Children() {
		if col.Container() {
			delete(own, col.ID)
		}
	}
	return renderer.RowHash(own)
}

// subRowHref is the page of an inner item of the item at index: subRow is its index, or "new".
func (f *flow) subRowHref(p page, fd *engine.Field, index int, sub *engine.Field, subRow string) string {
	return renderer.RowHref(f.pageURL(p), fd.ID, strconv.Itoa(index)) + "&" + subParam + "=" + url.QueryEscape(sub.ID) + "&" + subRowParam + "=" + url.QueryEscape(subRow)
}

// inItem applies an edit of an inner list to the item at *index of the outer list, if that item is still
// the one drawn (drawn: its itemHash; nil when not checked); an item drawn that has moved since (another
// window removed one before it) is followed, and *index is then where it is.
func inItem(fd *engine.Field, index *int, drawn *string, inner rowEdit) rowEdit {
	return rowEdit{field: fd, apply: func(rows []any) ([]any, error) {
		rows = slices.Clone(fd.FixedRowsFirst(rows))
		if drawn != nil && (*index < 0 || *index >= len(rows) || itemHash(fd, rowMap(rows[*index])) != *drawn) {
			for i, r := range rows {
				if itemHash(fd, rowMap(r)) == *drawn {
					*index = i
					break
				}
			}
		}
		if *index < 0 || *index >= len(rows) {
			return nil, errRowChanged
		}
		item := maps.Clone(rowMap(rows[*index]))
		if item == nil || drawn != nil && itemHash(fd, item) != *drawn {
			return nil, errRowChanged
		}
		list, err := inner.apply(rowsOf(item[inner.field.ID]))
		if err != nil {
			return nil, err
		}
		item[inner.field.ID] = list
		rows[*index] = item
		return rows, nil
	}}
}

// subRowView is the page of an inner item: its questions, under the item holding it.
func (f *flow) subRowView(r *http.Request, p page, t rowTarget, row map[string]any, errs []engine.FieldError) renderer.RowPageView {
	item := f.outerItem(p, t)
	rows := rowsOf(item[t.sub.ID])
	index, param := t.subIndex, strconv.Itoa(t.subIndex)
	if t.subIndex < 0 {
		index, param = len(rows), "new"
	}
	title := renderer.RowTitle(f.lang, t.sub, index, t.subIndex < 0)
	prefix := ""
	if p.child != nil {
		prefix = "children." + p.child.ID + "."
	}
	prefix += t.field.ID + "[" + strconv.Itoa(t.index) + "]."
	outerName := renderer.RowLegend(f.lang, t.field, t.index)
	pg := f.a.page(r, title+" - "+outerName+" - "+p.section.Title+" - "+f.form.Title)
	for _, e := range errs {
		path := strings.TrimPrefix(e.Path, prefix)
		pg.Errors = append(pg.Errors, renderer.ErrorItem{Field: renderer.ErrorID(t.sub.Child(e.Field), path), Message: e.Message})
	}
	v := renderer.RowPageView{Page: pg, FormTitle: f.form.Title, Header: f.header, SectionTitle: outerName + " - " + p.section.Title, Title: title,
		Fields: renderer.BuildRow(renderer.RowInput{Field: t.sub, Index: index, Row: row, Errors: errs, Prefix: prefix, Children: f.form.Children(f.caseData)}),
		Action: f.subRowHref(p, t.field, t.index, t.sub, param), Back: renderer.RowHref(f.pageURL(p), t.field.ID, strconv.Itoa(t.index)) + "#" + t.sub.ID,
		DraftVersion: f.resp.Version, OuterHash: itemHash(t.field, item), OuterCount: len(t.field.FixedRowsFirst(f.pageValues(p)[t.field.ID]))}
	if t.subIndex >= 0 && t.subIndex < len(rows) {
		v.RowHash, v.RowCount = renderer.RowHash(rowMap(rows[t.subIndex])), len(rows)
	}
	if len(rows)+1 < renderer.MaxRows(t.sub) || t.subIndex >= 0 && len(rows) < renderer.MaxRows(t.sub) {
		v.AddAnother = i18n.In(f.lang, "rowpage.save_add", "Noun", renderer.RowNounIn(f.lang, t.sub))
	}
	if p.child != nil {
		v.ChildName = p.child.Name
	}
	return v
}

// validateSubRow checks an inner item on its own, in the item holding it.
func (f *flow) validateSubRow(p page, t rowTarget, row map[string]any, index int) []engine.FieldError {
	child := ""
	if p.child != nil {
		child = p.child.ID
	}
	outer := engine.RowAt{Field: t.field, Row: f.outerItem(p, t), Index: t.index}
	return f.form.ValidateRowIn(f.caseData, f.answers, child, &outer, engine.RowAt{Field: t.sub, Row: row, Index: index},
		engine.ValidateOptions{Sections: f.resp.Sections, Today: f.a.now()})
}

// showSubRow draws an inner item's page.
func (a *App) showSubRow(w http.ResponseWriter, r *http.Request, f *flow, p page, t rowTarget, showErrors bool) {
	item := f.outerItem(p, t)
	rows := rowsOf(item[t.sub.ID])
	switch {
	case item == nil: // the item removed meanwhile: back to the list
		http.Redirect(w, r, f.pageURL(p), http.StatusSeeOther)
		return
	case t.subIndex >= len(rows): // the inner item removed meanwhile: back to the item
		http.Redirect(w, r, renderer.RowHref(f.pageURL(p), t.field.ID, strconv.Itoa(t.index)), http.StatusSeeOther)
		return
	}
	var row map[string]any
	var errs []engine.FieldError
	if t.subIndex >= 0 {
		row = rowMap(rows[t.subIndex])
		if showErrors {
			errs = f.validateSubRow(p, t, row, t.subIndex)
		}
	}
	a.render(w, r, renderer.RowPage(f.subRowView(r, p, t, row, errs)))
}

// postSubRow saves a posted inner item into its item as stored, problems or not; without problems it goes
// back to the item's page, with them the inner item's page shows them.
func (a *App) postSubRow(w http.ResponseWriter, r *http.Request, f *flow, p page, t rowTarget) {
	body, err := readPageBody(w, r, rowLimitsFor(t.sub, f.form.Children(f.caseData)))
	if err != nil {
		a.unreadablePost(w, r, err)
		return
	}
	rows := rowsOf(f.outerItem(p, t)[t.sub.ID])
	index := t.subIndex
	if index < 0 {
		index = len(rows)
	}
	row := renderer.DecodeRow(t.sub, body.values)
	if t.subIndex < 0 && !t.sub.RowAnswered(row) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.RowPage(f.subRowView(r, p, t, row, f.validateSubRow(p, t, row, index))))
		return
	}
	at, outerAt := -1, t.index
	var drawn, drawnItem *string
	if h, ok := body.values[renderer.RowHashInput]; ok && len(h) > 0 {
		drawn = &h[0]
	}
	if h, ok := body.values[outerHashInput]; ok && len(h) > 0 {
		drawnItem = &h[0]
	}
	f.rowEdits = append(f.rowEdits, inItem(t.field, &outerAt, drawnItem, putRow(t.sub, t.subIndex, drawn, row, &at)))
	err = f.saveRows(r, p)
	if err == nil {
		t.index = outerAt // where the item is now, if it moved
	}
	back := renderer.RowHref(f.pageURL(p), t.field.ID, strconv.Itoa(t.index))
	switch {
	case errors.Is(err, errRowChanged):
		if err := f.reload(r.Context(), nil); err != nil {
			a.serverError(w, r, err)
			return
		}
		item := f.outerItem(p, t)
		drawn, _ := strconv.Atoi(r.PostFormValue(outerCountInput))
		if item == nil || drawnItem != nil && itemHash(t.field, item) != *drawnItem && drawn > len(t.field.FixedRowsFirst(f.pageValues(p)[t.field.ID])) {
			// The item itself went (the one in its place now is another's): back to the list.
			http.Redirect(w, r, f.pageURL(p), http.StatusSeeOther)
			return
		}
		if rows := len(rowsOf(f.outerItem(p, t)[t.sub.ID])); t.subIndex >= rows || removedSince(r, rows) {
			t.subIndex = -1 // removed there: saving adds it again
		}
		v := f.subRowView(r, p, t, row, nil)
		v.Conflict = true
		w.WriteHeader(http.StatusConflict)
		a.render(w, r, renderer.RowPage(v))
		return
	case errors.Is(err, errTableFull), errors.Is(err, errDraftTooLarge):
		v := f.subRowView(r, p, t, row, nil)
		v.Page.Errors = []renderer.ErrorItem{{Field: firstInput(v), Message: refusal(f.lang, t.sub, err)}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.RowPage(v))
		return
	case errors.Is(err, casework.ErrNotAllowed):
		http.Redirect(w, r, f.closeTo, http.StatusSeeOther)
		return
	case err != nil:
		a.serverError(w, r, err)
		return
	}
	if at < 0 { // left blank: removed
		http.Redirect(w, r, back+"#"+t.sub.ID, http.StatusSeeOther)
		return
	}
	if errs := f.validateSubRow(p, t, row, at); len(errs) > 0 {
		t.subIndex = at
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.RowPage(f.subRowView(r, p, t, row, errs)))
		return
	}
	if body.values.Get("action") == "save-add" && len(rowsOf(f.outerItem(p, t)[t.sub.ID])) < renderer.MaxRows(t.sub) {
		http.Redirect(w, r, f.subRowHref(p, t.field, t.index, t.sub, "new"), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, back+"#"+t.sub.ID+"-row-"+strconv.Itoa(at), http.StatusSeeOther)
}

// innerAction reads a button of an item's page that acts on a list inside the item: "add:agencies",
// "edit:agencies:1", "remove:agencies:1:HASH". ok is false for the page's own buttons.
func innerAction(fd *engine.Field, action string) (verb string, sub *engine.Field, index int, hash string, ok bool) {
	verb, rest, _ := strings.Cut(action, ":")
	if verb != "add" && verb != "edit" && verb != "remove" {
		return "", nil, 0, "", false
	}
	id, rest, _ := strings.Cut(rest, ":")
	idx, hash, _ := strings.Cut(rest, ":")
	sub = fd.Child(id)
	index = -1
	if verb != "add" {
		var err error
		if index, err = strconv.Atoi(idx); err != nil || index < 0 {
			return verb, nil, 0, "", true // a crafted index: no list is named
		}
	}
	if sub == nil || sub.Type != engine.TypeList {
		return verb, nil, 0, "", true
	}
	return verb, sub, index, hash, true
}

// badNesting answers an address or post naming a list inside an item that no page draws: 400, nothing
// saved.
func (a *App) badNesting(w http.ResponseWriter, r *http.Request) {
	a.log.Warn("nested list refused", "path", r.URL.Path)
	ctx := r.Context()
	w.WriteHeader(http.StatusBadRequest)
	a.render(w, r, messagePage(a.page(r, i18n.T(ctx, "lists.bad_nesting_title")), i18n.T(ctx, "lists.bad_nesting_title"),
		i18n.T(ctx, "lists.bad_nesting_body"), i18n.T(ctx, "lists.bad_nesting_next")))
}

// postInnerAction saves the item's page as typed, then acts on the list inside it that the button named:
// its new item's page, its item's page, or the item removed (if still the one drawn).
func (a *App) postInnerAction(w http.ResponseWriter, r *http.Request, f *flow, p page, t rowTarget, body *pageBody, row map[string]any,
	verb string, sub *engine.Field, subIndex int, hash string) {
	if sub == nil {
		a.badNesting(w, r)
		return
	}
	if t.index < 0 && !t.field.RowAnswered(row) {
		v := f.rowView(r, p, t, row, nil)
		v.Page.Errors = []renderer.ErrorItem{{Field: firstInput(v), Message: i18n.In(f.lang, "lists.item_first",
			"Noun", renderer.RowNounIn(f.lang, t.field), "List", strings.ToLower(sub.Label))}}
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.renderRow(w, r, v)
		return
	}
	at := -1
	var drawn *string
	if h, ok := body.values[renderer.RowHashInput]; ok && len(h) > 0 {
		drawn = &h[0]
	}
	f.rowEdits = append(f.rowEdits, putRow(t.field, t.index, drawn, row, &at))
	if verb == "remove" {
		f.rowEdits = append(f.rowEdits, inItem(t.field, &at, nil, removeRow(sub, subIndex, hash)))
	}
	err := f.saveRows(r, p)
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
	if at < 0 { // an item left blank: removed, with its inner list
		http.Redirect(w, r, f.tableURL(p, t.field, -1, false), http.StatusSeeOther)
		return
	}
	switch verb {
	case "add":
		http.Redirect(w, r, f.subRowHref(p, t.field, at, sub, "new"), http.StatusSeeOther)
	case "edit":
		http.Redirect(w, r, f.subRowHref(p, t.field, at, sub, strconv.Itoa(subIndex)), http.StatusSeeOther)
	default:
		http.Redirect(w, r, renderer.RowHref(f.pageURL(p), t.field.ID, strconv.Itoa(at))+"#"+sub.ID, http.StatusSeeOther)
	}
}
