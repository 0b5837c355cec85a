package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/casework"
	"formportal/download"
	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// The Delegation Portal: a professional's tasks, and the delegated form pages.

// recentDays is how long retracted and submitted tasks stay listed.
const recentDays = 30

// loadTask finds a delegation addressed to the signed-in professional. Anything else is "not found", so
// nobody learns that a task exists for someone else.
func (a *App) loadTask(w http.ResponseWriter, r *http.Request) (*store.Response, bool) {
	return a.readTask(w, r, a.readResponse)
}

// readTask is loadTask reading the response with read: whole, or its head alone.
func (a *App) readTask(w http.ResponseWriter, r *http.Request, read responseReader) (*store.Response, bool) {
	u := userFrom(r)
	resp, err := read(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, store.ErrNotFound) || err == nil && (resp.Kind != store.KindDelegation || !strings.EqualFold(resp.OwnerEmail, u.Email)) {
		a.log.Warn("access refused", "user", u.ID, "task", chi.URLParam(r, "id"), "path", r.URL.Path)
		a.auditRefusal(r, u.Email, "access refused", chi.URLParam(r, "id"))
		a.notFound(w, r)
		return nil, false
	}
	if err != nil {
		a.serverError(w, r, err)
		return nil, false
	}
	if resp.Status == store.StatusRetracted {
		a.notFound(w, r)
		return nil, false
	}
	return resp, true
}

// caseChildrenIn are the children a response is about: the sibling group, or the one child, their
// dates of birth in l.
func caseChildrenIn(l i18n.Lang, form *engine.Form, caseData any) []renderer.ChildLine {
	var out []renderer.ChildLine
	if form.Scope == engine.ScopeFamily {
		for _, c := range form.Children(caseData) {
			out = append(out, renderer.ChildLine{Name: c.Name, DOB: casework.DateIn(l, c.DOB)})
		}
		return out
	}
	m, _ := caseData.(map[string]any)
	child, _ := m["child"].(map[string]any)
	if name, _ := child["name"].(string); name != "" {
		dob, _ := child["dob"].(string)
		out = append(out, renderer.ChildLine{Name: name, DOB: casework.DateIn(l, dob)})
	}
	return out
}

// taskNameIn is how a task is named in the lists, in l: "Aurora Boreo and 1 sibling".
func taskNameIn(l i18n.Lang, children []renderer.ChildLine) string {
	switch len(children) {
	case 0:
		return i18n.In(l, "tasks.unnamed")
	case 1:
		return children[0].Name
	case 2:
		return i18n.In(l, "tasks.one_sibling", "Name", children[0].Name)
	}
	return i18n.In(l, "tasks.siblings", "Name", children[0].Name, "Count", len(children)-1)
}

// taskRow is a task as the professional's lists show it, in the language of ctx.
func (a *App) taskRow(ctx context.Context, resp *store.Response, link bool) renderer.TaskRow {
	l := i18n.From(ctx)
	row := renderer.TaskRow{ID: resp.ID, FormType: resp.FormID, DueDate: i18n.In(l, "tasks.no_due_date"), Comments: resp.Comments, Status: string(resp.Status)}
	if resp.DueDate != "" {
		row.DueDate = casework.DateIn(l, resp.DueDate)
	}
	if form := a.forms.Version(resp.FormID, resp.FormVersion); form != nil {
		form = inLang(ctx, form)
		row.FormType = form.Title
		var caseData any
		json.Unmarshal(resp.CaseData, &caseData)
		row.Name = taskNameIn(l, caseChildrenIn(l, form, caseData))
	}
	if resp.Status == store.StatusReturned && resp.ReturnComment != "" {
		row.Comments = i18n.In(l, "tasks.returned", "Comment", resp.ReturnComment)
	}
	if link {
		row.Href = "/tasks/" + resp.ID
	}
	row.Overdue = casework.Overdue(resp, a.now())
	return row
}

func (a *App) tasks(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	list, err := a.store.ListResponses(r.Context(), store.ResponseFilter{Kind: store.KindDelegation, OwnerEmail: u.Email})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	v := renderer.TasksView{Page: a.page(r, i18n.T(r.Context(), "tasks.title"))}
	recent := a.now().AddDate(0, 0, -recentDays)
	byDueDate(list)
	for _, resp := range list {
		switch resp.Status {
		case store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned:
			v.Current = append(v.Current, a.taskRow(r.Context(), resp, true))
		case store.StatusRetracted:
			if resp.UpdatedAt.After(recent) {
				v.Retracted = append(v.Retracted, a.taskRow(r.Context(), resp, false))
			}
		case store.StatusSubmitted:
			if resp.SubmittedAt.After(recent) {
				v.Submitted = append(v.Submitted, a.taskRow(r.Context(), resp, true))
			}
		}
	}
	reply, err := a.activeAutoReply(r.Context(), u.ID)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	v.AutoReply = reply != nil
	a.render(w, r, renderer.TasksPage(v))
}

// taskFlow prepares the form flow of a task.
func (a *App) taskFlow(ctx context.Context, resp *store.Response) (*flow, error) {
	f, err := a.newFlow(resp, "/tasks/"+resp.ID)
	if err != nil {
		return nil, err
	}
	f.speak(ctx)
	f.readOnly = resp.Status == store.StatusSubmitted
	f.submit, f.closeTo = i18n.T(ctx, "task.submit"), "/tasks"
	f.save, f.saved = i18n.T(ctx, "common.save"), i18n.T(ctx, "formpage.saved")
	m, _ := f.caseData.(map[string]any)
	sender, _ := m["sender"].(map[string]any)
	str := func(mm map[string]any, k string) string { s, _ := mm[k].(string); return s }
	l := i18n.From(ctx)
	h := renderer.TaskHeaderView{Children: caseChildrenIn(l, f.form, f.caseData), FormType: f.form.Title, RequiredBy: i18n.In(l, "pdf.no_due_date"),
		SentBy: str(sender, "name"), Department: str(sender, "department"), SenderAddr: str(sender, "address"), Comments: resp.Comments}
	if resp.DueDate != "" {
		h.RequiredBy = casework.DateIn(l, resp.DueDate)
	}
	child, _ := m["child"].(map[string]any)
	h.Address = str(child, "address")
	if h.Address == "" {
		h.Address = str(m, "address")
	}
	f.header = renderer.TaskHeader(h)
	f.headerSummary = i18n.In(l, "tasks.about", "Name", taskNameIn(l, h.Children), "Form", f.form.Title)
	return f, nil
}

func (a *App) taskStart(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openTask(w, r, false)
	if !ok {
		return
	}
	pages := f.pages(f.validate())
	if len(pages) == 0 {
		a.notFound(w, r)
		return
	}
	http.Redirect(w, r, f.base+"/pages/"+pages[0].key(), http.StatusSeeOther)
}

func (a *App) taskPage(w http.ResponseWriter, r *http.Request) {
	a.showFormPage(w, r, a.readTask, func(ctx context.Context, resp *store.Response) (*flow, error) {
		if resp.Status == store.StatusSent {
			u := userFrom(r)
			opened, err := a.work.Opened(ctx, resp.ID, engine.Submitter{Type: engine.AudienceProf, Name: u.Name(), Email: u.Email,
				Organisation: u.Organisation, Telephone: u.Phone})
			if err != nil {
				return nil, err
			}
			if opened != nil { // the page shows what opening it filled in
				resp = opened
			}
		}
		return a.taskFlow(ctx, resp)
	})
}

// rowRequest finds the page and the table row a row page's URL names, answering itself when there is
// none: 404 for no such page, or back to the table for a row removed meanwhile or a submitted form.
func (a *App) rowRequest(w http.ResponseWriter, r *http.Request, f *flow) (page, rowTarget, bool) {
	pages := f.pages(f.visible())
	i := f.find(pages, chi.URLParam(r, "*"))
	if i < 0 {
		a.notFound(w, r)
		return page{}, rowTarget{}, false
	}
	t, ok := f.rowTargetOf(pages[i], r.URL.Query())
	if !ok {
		http.Redirect(w, r, f.pageURL(pages[i]), http.StatusSeeOther)
		return page{}, rowTarget{}, false
	}
	inner, err := subTargetOf(t, r.URL.Query()) // lists15: an item of a list inside the item
	if err != nil {
		a.badNesting(w, r)
		return page{}, rowTarget{}, false
	}
	return pages[i], inner, true
}

// showPage draws the flow's page named in the URL, or the row page of one of its tables.
func (a *App) showPage(w http.ResponseWriter, r *http.Request, f *flow, showErrors bool) {
	if r.URL.Query().Has("field") {
		if p, t, ok := a.rowRequest(w, r, f); ok {
			a.showRow(w, r, f, p, t, showErrors)
		}
		return
	}
	res := f.validate()
	pages := f.pages(res)
	i := f.find(pages, chi.URLParam(r, "*"))
	if i < 0 {
		a.notFound(w, r)
		return
	}
	v := f.view(r, res, pages, i, showErrors && !f.readOnly)
	if key := r.URL.Query().Get(savedParam); key != "" {
		v.Page.Banner = savedBanner(f.lang, pages[i], key, f.pageValues(pages[i]))
	}
	a.renderKept(w, r, renderer.FormPage(v), f.keepAs, f.resp.Version)
}

// largestAnswer is the question of the section whose answer in vals is the longest, as JSON.
func largestAnswer(s *engine.Section, vals map[string]any) string {
	id, most := "", -1
	for _, fd := range s.Fields {
		if !fd.Answerable() || fd.ReadOnly {
			continue
		}
		if b, _ := json.Marshal(vals[fd.ID]); len(b) > most {
			id, most = fd.ID, len(b)
		}
	}
	return id
}

// savedBanner is the notice after a row was saved, in l: "Row 4 has been saved"; none for a row the
// page's values (vals) do not have.
func savedBanner(l i18n.Lang, p page, key string, vals map[string]any) string {
	id, idx, _ := strings.Cut(key, ".")
	n, err := strconv.Atoi(idx)
	fd := p.section.Field(id)
	if err != nil || !editableRows(fd) || n < 0 || n >= len(rowsOf(vals[id])) {
		return ""
	}
	return i18n.In(l, "table.saved", "Row", renderer.RowLegend(l, fd, n))
}

func (a *App) taskPost(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openTask(w, r, false)
	if !ok {
		return
	}
	if f.readOnly {
		http.Redirect(w, r, f.base, http.StatusSeeOther)
		return
	}
	a.postPage(w, r, f)
}

// postPage saves a posted page of any flow, or a row page of one of its tables, and goes where the
// button asked. Next goes on only when the page has no problems; otherwise the page shows them, saved.
func (a *App) postPage(w http.ResponseWriter, r *http.Request, f *flow) {
	if r.URL.Query().Has("field") {
		if p, t, ok := a.rowRequest(w, r, f); ok {
			a.postRow(w, r, f, p, t)
		}
		return
	}
	pages := f.pages(f.validate())
	i := f.find(pages, chi.URLParam(r, "*"))
	if i < 0 {
		a.notFound(w, r)
		return
	}
	p := pages[i]
	body, err := readPageBody(w, r, pageLimitsFor(p.section, f.form.Children(f.caseData)))
	if err != nil {
		a.unreadablePost(w, r, err)
		return
	}
	out, err := f.post(r, body, pages, i)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	var conflict *errConflict
	err = f.saveDraft(r, p)
	switch {
	case errors.As(err, &conflict):
		a.showConflict(w, r, f, p, conflict)
		return
	case errors.Is(err, errFixedRow):
		// No page offers to remove a fixed row: a crafted post. Nothing saved.
		a.log.Warn("fixed row removal refused", "path", r.URL.Path)
		w.WriteHeader(http.StatusBadRequest)
		a.render(w, r, a.messagePageOf(r, "errorpage.fixed_row_title", "errorpage.fixed_row_text", "errorpage.fixed_row_back"))
		return
	case errors.Is(err, errRowChanged):
		// The row to remove was changed or removed in another window: nothing saved, the page as stored.
		if err := f.reload(r.Context(), nil); err != nil {
			a.serverError(w, r, err)
			return
		}
		out = postOutcome{fieldErr: map[string]string{}}
		for _, e := range f.rowEdits {
			out.fieldErr[e.field.ID] = i18n.In(f.lang, "table.changed_elsewhere", "Noun", renderer.RowNounIn(f.lang, e.field), "Nouns", renderer.RowNounsIn(f.lang, e.field))
		}
	case errors.Is(err, errDraftTooLarge):
		// Nothing saved: the page again with what was typed, and why, at its longest answer.
		id := largestAnswer(p.section, f.pageValues(p))
		out = postOutcome{fieldErr: map[string]string{id: draftTooLargeMessage(f.lang, p.section.Field(id))}, paste: out.paste}
	case errors.Is(err, casework.ErrNotAllowed):
		// Retracted, re-assigned or submitted meanwhile: the task list says what happened.
		http.Redirect(w, r, f.closeTo, http.StatusSeeOther)
		return
	case err != nil:
		a.serverError(w, r, err)
		return
	}
	var res engine.Result
	if out.check && out.redirect != "" {
		res = f.validate()
		if sr := sectionResult(res, p); len(sr.Errors) > 0 {
			out.redirect, out.errors = "", true
		}
	}
	switch {
	case out.submit:
		http.Redirect(w, r, f.base+"/submit", http.StatusSeeOther)
	case out.redirect != "":
		http.Redirect(w, r, out.redirect, http.StatusSeeOther)
	default:
		if res.Sections == nil {
			res = f.validate()
		}
		pages = f.pages(res)
		if i = f.find(pages, p.key()); i < 0 {
			i = 0
		}
		if out.find != nil {
			f.searches = map[string]*renderer.AddressSearch{out.find.ID: a.findAddress(r, out.findPostcode)}
			if s := f.searches[out.find.ID]; out.choose && s.Status == renderer.SearchFound {
				s.Error = i18n.T(r.Context(), "address.choose")
			}
		}
		v := f.view(r, res, pages, i, out.errors)
		v.Page.Banner = out.banner
		if out.check {
			v.Page.Banner = ""
		}
		status := http.StatusOK
		if len(out.fieldErr) > 0 || out.check {
			status = http.StatusUnprocessableEntity
		}
		if len(out.fieldErr) > 0 {
			v.Page.Banner = ""
			for id, msg := range out.fieldErr {
				v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: id, Message: msg})
				for k := range v.Fields {
					if v.Fields[k].Field.ID == id {
						v.Fields[k].Error = msg
					}
				}
			}
		}
		if errs := renderer.FinderErrors(v.Fields); len(errs) > 0 {
			v.Page.Banner = ""
			v.Page.Errors = append(errs, v.Page.Errors...)
			status = http.StatusUnprocessableEntity
		}
		for id, text := range out.paste {
			for k := range v.Fields {
				if t := v.Fields[k].Table; t != nil && v.Fields[k].Field.ID == id {
					t.Paste, t.PasteError, t.PasteOpen = text, out.pasteErr[id], true
					if msg := out.pasteErr[id]; msg != "" {
						v.Page.Errors = append([]renderer.ErrorItem{{Field: v.Fields[k].ID + "-paste", Message: msg}}, v.Page.Errors...)
						status = http.StatusUnprocessableEntity
					}
				}
			}
		}
		w.WriteHeader(status)
		a.render(w, r, renderer.FormPage(v))
	}
}

// showConflict draws the page again with what the person typed, not yet saved, and names the questions
// saved differently in the other window. Its hidden inputs carry the draft as it is now, so pressing Save
// keeps what they typed.
func (a *App) showConflict(w http.ResponseWriter, r *http.Request, f *flow, p page, c *errConflict) {
	mine := f.pageValues(p)
	fresh, err := a.store.Response(r.Context(), f.resp.ID)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	nf, err := a.newFlow(fresh, f.base)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	nf.readOnly, nf.header, nf.headerSummary, nf.submit, nf.save, nf.saved, nf.closeTo, nf.submitLast = f.readOnly, f.header, f.headerSummary, f.submit, f.save, f.saved, f.closeTo, f.submitLast
	stored := nf.pageValues(p)
	for _, fd := range p.section.Fields {
		if fd.Container() {
			mine[fd.ID] = stored[fd.ID] // rows are never posted: those stored
		}
	}
	nf.setPageValues(p, mine)
	res := nf.validate()
	pages := nf.pages(res)
	i := nf.find(pages, p.key())
	if i < 0 {
		i = 0
	}
	v := nf.view(r, res, pages, i, false)
	v.PageHash = pageHash(p.section, c.theirs)
	for _, fd := range p.section.Fields {
		if !fd.Container() && renderer.RowHash(mine[fd.ID]) != renderer.RowHash(c.theirs[fd.ID]) {
			v.Conflict = append(v.Conflict, fd.Label)
		}
	}
	a.log.Info("save conflict", "response", f.resp.ID, "page", p.key())
	w.WriteHeader(http.StatusConflict)
	a.render(w, r, renderer.FormPage(v))
}

// unreadablePost answers a page's post that could not be read whole: more than the page can send, or
// cut off on the way. Nothing of it was saved.
func (a *App) unreadablePost(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Warn("page post refused", "path", r.URL.Path, "err", err)
	if errors.Is(err, errPageTooLarge) {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		a.render(w, r, a.messagePageOf(r, "errorpage.too_much_title", "errorpage.too_much_text", "errorpage.too_much_back"))
		return
	}
	w.WriteHeader(http.StatusBadRequest)
	a.render(w, r, a.messagePageOf(r, "errorpage.unreadable_title", "errorpage.unreadable_text", "errorpage.unreadable_back"))
}

// submitProblems lists what stops a submission, each linked to its page.
// A problem in a table's row links to that row's page; past the first few, a table's problems are
// counted, linking to the table.
func (f *flow) submitProblems(res engine.Result) []renderer.ReviewItem {
	var out, more []renderer.ReviewItem
	pages := f.pages(res)
	listed := map[string]int{}
	counted := map[string]int{} // by table, its index in more
	for _, e := range res.Errors {
		key := e.Section
		if e.Child != "" {
			key += "/" + e.Child
		}
		i := f.find(pages, key)
		if i < 0 {
			continue
		}
		prefix := ""
		if e.Child != "" {
			prefix = "children." + e.Child + "."
		}
		path := strings.TrimPrefix(e.Path, prefix)
		pageURL := f.pageURL(pages[i])
		table, row, inRow := renderer.RowOfPath(path)
		fd := pages[i].section.Field(table)
		if !inRow || fd == nil {
			out = append(out, renderer.ReviewItem{Href: pageURL + "?check=1#" + renderer.ErrorID(f.form.Field(e.Field), path), Message: e.Message})
			continue
		}
		if listed[key+"/"+table]++; listed[key+"/"+table] > renderer.MaxRowProblems {
			n, seen := counted[key+"/"+table]
			if !seen {
				n, counted[key+"/"+table] = len(more), len(more)
				more = append(more, renderer.ReviewItem{Href: pageURL + "?check=1#" + fd.ID})
			}
			more[n].Message = i18n.In(f.lang, "table.more_problems", "Count", listed[key+"/"+table]-renderer.MaxRowProblems, "Table", fd.Label)
			continue
		}
		href := renderer.RowHref(pageURL, table, strconv.Itoa(row)) + "&check=1#" + renderer.ErrorID(fd.Child(e.Field), path)
		out = append(out, renderer.ReviewItem{Href: href, Message: e.Message})
	}
	return append(out, more...)
}

func (a *App) taskSubmitForm(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openTask(w, r, true)
	if !ok {
		return
	}
	res := f.validate()
	problems := f.submitProblems(res)
	ctx := r.Context()
	p := a.page(r, i18n.T(ctx, "task.submit"))
	if len(problems) > 0 {
		p.Title = i18n.T(ctx, "confirm.cannot_yet")
	}
	a.render(w, r, renderer.SubmitPage(p, f.form.Title, i18n.T(ctx, "task.submit"), f.base, f.base+"/submit", problems,
		i18n.T(ctx, "tasks.submit_intro")))
}

func (a *App) taskSubmit(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openTask(w, r, true)
	if !ok {
		return
	}
	resp, done, err := f.submitResponse(r)
	if err != nil {
		a.serverError(w, r, err)
		return
	} else if !done {
		http.Redirect(w, r, f.base+"/submit", http.StatusSeeOther)
		return
	}
	a.log.Info("contribution submitted", "response", resp.ID)
	ctx := r.Context()
	p := a.page(r, i18n.T(ctx, "tasks.submitted_title"))
	a.render(w, r, renderer.ConfirmationPage(p, i18n.T(ctx, "tasks.submitted_title"), resp.Reference,
		i18n.T(ctx, "tasks.submitted_text"), "/tasks", i18n.T(ctx, "tasks.back")))
}

func (a *App) taskFile(w http.ResponseWriter, r *http.Request) {
	resp, ok := a.loadTask(w, r)
	if !ok {
		return
	}
	a.serveAttachment(w, r, resp.ID, chi.URLParam(r, "file"))
}

// serveAttachment sends a document of a response as a download, never rendered inline.
func (a *App) serveAttachment(w http.ResponseWriter, r *http.Request, respID, attID string) {
	att, err := a.store.Attachment(r.Context(), attID)
	if errors.Is(err, store.ErrNotFound) || err == nil && att.ResponseID != respID {
		a.notFound(w, r)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	download.Attachment(w, att)
}

func (a *App) taskPrint(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openTask(w, r, false)
	if !ok {
		return
	}
	a.render(w, r, renderer.PrintPage(f.printView(r)))
}

// printView is every page of the flow, read-only, one after another: what Print prints.
func (f *flow) printView(r *http.Request) renderer.PrintView {
	res := f.validate()
	ro := *f
	ro.readOnly = true
	v := renderer.PrintView{Page: f.a.page(r, i18n.T(r.Context(), "print.title", "Form", f.form.Title)), FormTitle: f.form.Title, Header: f.header, Back: f.base, Reference: f.resp.Reference}
	for _, p := range f.pages(res) {
		sec := renderer.PrintSection{Title: p.fullTitle()}
		sr := sectionResult(res, p)
		in := renderer.SectionInput{Section: p.section, Values: ro.pageValues(p), Hidden: sr.Hidden,
			Children: f.form.Children(f.caseData), ReadOnly: true, Computed: sr.Computed,
			Form: f.form, Answers: f.answers, Print: true, Lang: f.lang}
		if p.child != nil {
			in.Prefix = "children." + p.child.ID + "." // where the child's computed values are
			in.Child = p.child.ID
		}
		sec.Fields = renderer.BuildSection(in)
		v.Sections = append(v.Sections, sec)
	}
	return v
}

// --- re-assign --------------------------------------------------------------------------------------

func (a *App) reassignForm(w http.ResponseWriter, r *http.Request) {
	resp, ok := a.loadTask(w, r)
	if !ok {
		return
	}
	a.render(w, r, renderer.ReassignPage(renderer.ReassignView{Page: a.page(r, i18n.T(r.Context(), "reassign.title")), Task: a.taskRow(r.Context(), resp, false)}))
}

func (a *App) reassign(w http.ResponseWriter, r *http.Request) {
	resp, ok := a.loadTask(w, r)
	if !ok {
		return
	}
	u := userFrom(r)
	v := renderer.ReassignView{Page: a.page(r, i18n.T(r.Context(), "reassign.title")), Task: a.taskRow(r.Context(), resp, false),
		Name: strings.TrimSpace(r.PostFormValue("name")), Email: normaliseEmail(r.PostFormValue("email")), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if v.Name == "" {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "name", Message: i18n.T(r.Context(), "reassign.enter_name")})
	}
	if msg := emailProblem(r.Context(), v.Email); msg != "" {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "email", Message: msg})
	} else if v.Email == u.Email {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "email", Message: i18n.T(r.Context(), "reassign.not_own")})
	}
	if v.Reason == "" {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "reason", Message: i18n.T(r.Context(), "reassign.enter_reason")})
	}
	if len(v.Page.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.ReassignPage(v))
		return
	}
	_, err := a.work.Reassign(r.Context(), resp.ID, u.Email, casework.Professional{Email: v.Email, Name: v.Name}, v.Reason)
	if errors.Is(err, casework.ErrNotAllowed) {
		http.Redirect(w, r, "/tasks", http.StatusSeeOther)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	ctx := r.Context()
	p := a.page(r, i18n.T(ctx, "reassign.done_title"))
	a.render(w, r, renderer.ConfirmationPage(p, i18n.T(ctx, "reassign.done_title"), "",
		i18n.T(ctx, "reassign.done_text", "Name", v.Name, "Email", v.Email), "/tasks", i18n.T(ctx, "tasks.back")))
}

// --- automatic replies ------------------------------------------------------------------------------

// activeAutoReply is the user's reply in force today, if any.
func (a *App) activeAutoReply(ctx context.Context, userID string) (*store.AutoReply, error) {
	return a.work.ActiveAutoReply(ctx, userID)
}

func (a *App) autoReplies(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	list, err := a.store.AutoReplies(r.Context(), u.ID)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	today := a.now().Format(time.DateOnly)
	var rows []renderer.AutoReplyRow
	for _, ar := range list {
		if ar.EndsOn < today {
			continue // finished replies are no longer shown
		}
		rows = append(rows, renderer.AutoReplyRow{ID: ar.ID, Starts: casework.DateIn(i18n.From(r.Context()), ar.StartsOn), Ends: casework.DateIn(i18n.From(r.Context()), ar.EndsOn), Message: ar.Message,
			Active: ar.StartsOn <= today})
	}
	p := a.page(r, i18n.T(r.Context(), "autoreply.list_title"))
	if r.URL.Query().Get("saved") != "" {
		p.Banner = i18n.T(r.Context(), "autoreply.saved")
	}
	a.render(w, r, renderer.AutoRepliesPage(p, rows))
}

func (a *App) autoReplyForm(w http.ResponseWriter, r *http.Request) {
	v := renderer.AutoReplyForm{Page: a.page(r, i18n.T(r.Context(), "autoreply.title"))}
	if id := chi.URLParam(r, "reply"); id != "" {
		list, err := a.store.AutoReplies(r.Context(), userFrom(r).ID)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		found := false
		for _, ar := range list {
			if ar.ID == id {
				found = true
				v.ID, v.Message = ar.ID, ar.Message
				v.StartYear, v.StartMonth, v.StartDay = splitDate(ar.StartsOn)
				v.EndYear, v.EndMonth, v.EndDay = splitDate(ar.EndsOn)
			}
		}
		if !found {
			a.notFound(w, r)
			return
		}
	}
	a.render(w, r, renderer.AutoReplyFormPage(v))
}

func splitDate(s string) (y, m, d string) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", "", ""
	}
	return strconv.Itoa(t.Year()), strconv.Itoa(int(t.Month())), strconv.Itoa(t.Day())
}

// maxAutoReply is the most characters an automatic reply's message may have.
const maxAutoReply = 1000

func (a *App) saveAutoReply(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	id := chi.URLParam(r, "reply")
	v := renderer.AutoReplyForm{Page: a.page(r, i18n.T(r.Context(), "autoreply.title")), ID: id, Message: strings.TrimSpace(r.PostFormValue("message")),
		StartDay: r.PostFormValue("start.day"), StartMonth: r.PostFormValue("start.month"), StartYear: r.PostFormValue("start.year"),
		EndDay: r.PostFormValue("end.day"), EndMonth: r.PostFormValue("end.month"), EndYear: r.PostFormValue("end.year")}
	ctx := r.Context()
	start, startErr := simpleDateIn(i18n.From(ctx), v.StartDay, v.StartMonth, v.StartYear, i18n.T(ctx, "autoreply.start_name"), i18n.T(ctx, "autoreply.start"))
	end, endErr := simpleDateIn(i18n.From(ctx), v.EndDay, v.EndMonth, v.EndYear, i18n.T(ctx, "autoreply.end_name"), i18n.T(ctx, "autoreply.end"))
	if startErr != "" {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "start-day", Message: startErr})
	}
	if endErr != "" {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "end-day", Message: endErr})
	} else if startErr == "" && end < start {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "end-day", Message: i18n.T(ctx, "autoreply.end_before_start")})
	} else if end < a.now().Format(time.DateOnly) {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "end-day", Message: i18n.T(ctx, "autoreply.end_past")})
	}
	if v.Message == "" {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "message", Message: i18n.T(ctx, "autoreply.enter_message")})
	} else if len([]rune(v.Message)) > maxAutoReply {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "message", Message: i18n.T(ctx, "autoreply.message_too_long", "Max", maxAutoReply)})
	}
	if len(v.Page.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.AutoReplyFormPage(v))
		return
	}
	if id != "" {
		list, err := a.store.AutoReplies(r.Context(), u.ID)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		owned := false
		for _, ar := range list {
			owned = owned || ar.ID == id
		}
		if !owned {
			a.notFound(w, r)
			return
		}
	} else {
		id = store.NewID()
	}
	if err := a.work.SaveAutoReply(r.Context(), u, &store.AutoReply{ID: id, UserID: u.ID, StartsOn: start, EndsOn: end, Message: v.Message, CreatedAt: a.now()}); err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/auto-replies?saved=1", http.StatusSeeOther)
}

func (a *App) deleteAutoReply(w http.ResponseWriter, r *http.Request) {
	err := a.work.DeleteAutoReply(r.Context(), userFrom(r), chi.URLParam(r, "reply"))
	if errors.Is(err, store.ErrNotFound) {
		a.notFound(w, r)
		return
	}
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/auto-replies", http.StatusSeeOther)
}

// simpleDateIn checks a day, month and year typed in a GOV.UK date input, returning YYYY-MM-DD or the
// message in l; name is the date's name in l, as its sentence has it, and subject its label, as the
// first words of the form's own date messages ("Start date must include a month").
func simpleDateIn(l i18n.Lang, day, month, year, name, subject string) (string, string) {
	if strings.TrimSpace(day+month+year) == "" {
		return "", i18n.In(l, "date.enter", "Name", name)
	}
	d, problem, msg := engine.DateIn(l, day, month, year, subject)
	if problem == "real" {
		return "", i18n.In(l, "date.real", "Name", name)
	}
	return d, msg
}

// openTask loads the signed-in professional's task named in the URL and its flow. For a change
// (editable), a submitted task sends them back to their tasks instead.
func (a *App) openTask(w http.ResponseWriter, r *http.Request, editable bool) (*flow, bool) {
	resp, ok := a.loadTask(w, r)
	if !ok {
		return nil, false
	}
	f, err := a.taskFlow(r.Context(), resp)
	if err != nil {
		a.serverError(w, r, err)
		return nil, false
	}
	if editable && f.readOnly {
		http.Redirect(w, r, "/tasks", http.StatusSeeOther)
		return nil, false
	}
	return f, true
}
