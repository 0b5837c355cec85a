package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"formportal/casework"
	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// A flow is one response being filled in, for either portal: which pages it has, what is on them, and
// how a posted page is saved. The portals differ only in URLs, header block and what submit does.
type flow struct {
	a        *App
	resp     *store.Response
	form     *engine.Form
	lang     i18n.Lang // the language of the pages and of the engine's messages (speak)
	caseData any
	answers  engine.Answers
	// draft is the draft as stored, read or saved by this flow: answers are its answers until a posted
	// page is put in them (edited). Its answers are shared with other requests: never change them.
	draft    *draft
	base     string // "/tasks/ID" or "/referrals/ID"
	readOnly bool
	header   templ.Component
	// headerSummary names who the task is about, for its header folded after the first page.
	headerSummary string
	submit        string // the label of the submit button
	// submitLast shows the submit button on the last page only (the Children's Portal's Declaration &
	// Submit); the Delegation Portal offers it on every page, as its seed describes.
	submitLast bool
	save       string // the label of the save button
	saved      string // the notice after saving
	closeTo    string // where Close goes, after saving

	// changes are what changed since the last return, for the council's PDF of a resubmission (rounds.go).
	changes []engine.Change

	// Documents uploaded or removed by the posted page, stored with the draft in one transaction.
	addFiles    []*store.Attachment
	removeFiles []string
	// Changes to the rows of tables and lists, made to the rows as stored when the draft is saved.
	rowEdits []rowEdit
	// edited: the flow's answers are no longer the draft as read (a posted page was put in them).
	edited bool
	// prefilled is what the case data gives the read-only questions, once worked out.
	prefilled *engine.Answers
	// searches are what Find address just found, by question, for drawing the page (addressfinder.go).
	searches map[string]*renderer.AddressSearch
	// keepAs, when set, is the key the page drawn is kept under (pagecache.go): it shows only what the
	// key holds.
	keepAs *pageKey
}

// page is one page of the flow: a section, or a repeating section for one of its repetitions (a child
// of the case data, or an item of a list: child then names the item).
type page struct {
	section *engine.Section
	child   *engine.Child
	title   string // the page's title in the task list: the repetition's ("About Amy Smith")
}

// fullTitle is the page's title in the task list, check-answers and the print view.
func (p page) fullTitle() string {
	if p.title != "" {
		return p.title
	}
	return p.section.Title
}

func (p page) key() string {
	if p.child != nil {
		return p.section.ID + "/" + p.child.ID
	}
	return p.section.ID
}

func (a *App) newFlow(resp *store.Response, base string) (*flow, error) {
	form, err := a.work.FormOf(resp)
	if err != nil {
		return nil, fmt.Errorf("response %s: %w", resp.ID, err)
	}
	var caseData any
	if err := json.Unmarshal(resp.CaseData, &caseData); err != nil {
		return nil, fmt.Errorf("response %s case data: %w", resp.ID, err)
	}
	d, err := a.drafts.read(resp.ID, resp.Version, resp.Answers)
	if err != nil {
		return nil, fmt.Errorf("response %s answers: %w", resp.ID, err)
	}
	// The person filling it in sees the form without what only staff see; staff flows change to the
	// whole form (forStaff).
	f := &flow{a: a, resp: resp, form: form.ForPerson(), caseData: caseData, answers: d.answers, draft: d, base: base, closeTo: "/"}
	if f.answers.Values == nil {
		f.answers.Values = map[string]any{}
	}
	return f, nil
}

// forStaff makes the flow the council staff's: the whole form, with the questions only staff see.
func (f *flow) forStaff() { f.form = f.form.ForStaff() }

// visible is which pages there are, without checking answers: all a row page needs.
func (f *flow) visible() engine.Result {
	return engine.Result{Sections: f.form.Visible(f.caseData, f.answers, engine.ValidateOptions{Sections: f.resp.Sections})}
}

// reload makes the flow the draft as stored now (resp, or read again when nil), for drawing a page after
// a save that did not happen.
func (f *flow) reload(ctx context.Context, resp *store.Response) error {
	if resp == nil {
		var err error
		if resp, err = f.a.readResponse(ctx, f.resp.ID); err != nil {
			return err
		}
	}
	fresh, err := f.a.newFlow(resp, f.base)
	if err != nil {
		return err
	}
	f.resp, f.answers, f.caseData, f.draft, f.edited, f.prefilled = fresh.resp, fresh.answers, fresh.caseData, fresh.draft, false, nil
	return nil
}

// validate checks the flow's answers; the draft's as stored are checked once.
func (f *flow) validate() engine.Result {
	if f.edited {
		return f.form.Validate(f.caseData, f.answers, engine.ValidateOptions{Sections: f.resp.Sections, Today: f.a.now(), Lang: string(f.lang)})
	}
	return f.checkDraft()
}

// checkDraft is the draft as stored checked, once: by whichever request asks first.
func (f *flow) checkDraft() engine.Result {
	today := f.a.now()
	form, caseData, answers, sections, lang := f.form, f.caseData, f.draft.answers, f.resp.Sections, f.lang
	return f.draft.checked(f.checkKey(today), func() engine.Result {
		return form.Validate(caseData, answers, engine.ValidateOptions{Sections: sections, Today: today, Lang: string(lang)})
	})
}

// checkKey is what checking the flow's draft on the day of today depends on besides its answers.
func (f *flow) checkKey(today time.Time) checkKey {
	return checkKey{form: f.form, caseData: string(f.resp.CaseData), sections: strings.Join(f.resp.Sections, "\x00"),
		today: today.Format(time.DateOnly), lang: f.lang}
}

// pages lists the pages in order: the response's sections that are visible, per child where needed.
func (f *flow) pages(res engine.Result) []page {
	var out []page
	for _, sr := range res.Sections {
		if !sr.Visible {
			continue
		}
		p := page{section: f.form.Section(sr.Section)}
		if sr.Child != "" { // a repetition: a child of the case data, or an item of a list (lists15)
			p.child, p.title = &engine.Child{ID: sr.Child, Name: sr.ChildName}, sr.Title
		}
		out = append(out, p)
	}
	return out
}

func (f *flow) find(pages []page, key string) int {
	for i, p := range pages {
		if p.key() == key {
			return i
		}
	}
	return -1
}

// pageValues are the draft answers a page shows, with read-only values from the case data.
func (f *flow) pageValues(p page) map[string]any {
	if f.prefilled == nil {
		pre := f.draft.prefill(prefillKey{form: f.form, caseData: string(f.resp.CaseData)}, func() engine.Answers {
			pre, _ := f.form.Prefill(f.caseData)
			return pre
		})
		f.prefilled = &pre
	}
	child := ""
	if p.child != nil {
		child = p.child.ID
	}
	return engine.PageValues(*f.prefilled, f.answers, p.section, child)
}

// setPageValues replaces the page's answers in the flow's answers: in copies of the maps holding them,
// since the draft's are shared.
func (f *flow) setPageValues(p page, vals map[string]any) {
	f.edited = true
	var target map[string]any
	if p.child != nil {
		f.answers.Children = maps.Clone(f.answers.Children)
		if f.answers.Children == nil {
			f.answers.Children = map[string]map[string]any{}
		}
		target = maps.Clone(f.answers.Children[p.child.ID])
		if target == nil {
			target = map[string]any{}
		}
		f.answers.Children[p.child.ID] = target
	} else {
		target = maps.Clone(f.answers.Values)
		if target == nil {
			target = map[string]any{}
		}
		f.answers.Values = target
	}
	for _, fd := range p.section.Fields {
		if v, ok := vals[fd.ID]; ok && !fd.ReadOnly {
			target[fd.ID] = v
		} else {
			delete(target, fd.ID)
		}
	}
}

// view makes the page's view. Errors show when asked (after Save, or from the submit summary).
func (f *flow) view(r *http.Request, res engine.Result, pages []page, i int, showErrors bool) renderer.FormPageView {
	p := pages[i]
	var sr engine.SectionResult
	nav := make([]renderer.NavItem, 0, len(pages))
	for j, q := range pages {
		nav = append(nav, renderer.NavItem{Key: q.key(), Title: q.fullTitle(), Status: f.navStatus(res, q), Current: j == i})
		if j == i {
			sr = sectionResult(res, q)
		}
	}
	in := f.sectionInput(r, p, sr)
	pg := f.a.page(r, p.section.Title+" - "+f.form.Title)
	if showErrors {
		in.Errors = sr.Errors
		pg.Errors = renderer.ErrorItems(in, sr.Errors)
	}
	v := renderer.FormPageView{Page: pg, FormTitle: f.form.Title, Header: f.header, Nav: nav, SectionTitle: p.section.Title,
		Description: p.section.Description, Fields: renderer.BuildSection(in), Action: in.Action,
		HasPrevious: i > 0, HasNext: i < len(pages)-1, ReadOnly: f.readOnly, SubmitLabel: f.submit,
		PrintHref: f.base + "/print", PDFHref: f.base + "/pdf", SaveLabel: f.save, DraftVersion: f.resp.Version,
		PageHash: pageHash(p.section, in.Values)}
	if p.child != nil {
		v.ChildName = p.child.Name
	}
	if p.section.RepeatFor != "" { // lists15: "About Amy Smith", the repetition's own title
		v.SectionTitle, v.ChildName = p.fullTitle(), ""
	}
	if !f.readOnly {
		// The language switch submits the page, so its answers are saved before it comes back in the
		// other language (welsh18).
		v.Page.LangSwitchForm = renderer.FormPageID
	}
	if f.submitLast && i < len(pages)-1 {
		v.SubmitLabel = ""
	}
	if i > 0 {
		v.HeaderSummary = f.headerSummary
	}
	return v
}

// sectionInput is what drawing the page's questions needs: its answers, and for each table the page of
// rows asked for (in the address, or posted by the page) and the row just saved.
func (f *flow) sectionInput(r *http.Request, p page, sr engine.SectionResult) renderer.SectionInput {
	in := renderer.SectionInput{Section: p.section, Values: f.pageValues(p), Hidden: sr.Hidden,
		Children: f.form.Children(f.caseData), ReadOnly: f.readOnly, Action: f.pageURL(p), TablePages: map[string]int{},
		Focus: r.URL.Query().Get(savedParam), Marks: f.openMarks(r.Context()), Computed: sr.Computed,
		Form: f.form, Answers: f.answers, Lang: f.lang, AddressLookup: f.a.findsAddresses() && !f.readOnly, Searches: f.searches,
		Today: f.a.now(), RequiredNow: sr.RequiredNow}
	if !f.edited {
		in.Tables = f.draft.tableViews(f.checkKey(f.a.now()))
	}
	if p.child != nil {
		in.Prefix = "children." + p.child.ID + "."
		in.Child = p.child.ID
	}
	for _, fd := range p.section.Fields {
		if fd.Container() {
			in.TablePages[fd.ID], _ = strconv.Atoi(r.FormValue(renderer.TableParam(fd.ID)))
		}
	}
	return in
}

func (f *flow) pageURL(p page) string { return f.base + "/pages/" + p.key() }

// navStatus is page q's status in the section list: "completed" only once the person has looked at it.
func (f *flow) navStatus(res engine.Result, q page) string {
	status := sectionResult(res, q).Status
	if status == engine.Completed && !slices.Contains(f.answers.Visited, q.key()) {
		status = engine.NotStarted // nothing is required, but the person has not looked yet
	}
	return string(status)
}

func sectionResult(res engine.Result, p page) engine.SectionResult {
	for _, sr := range res.Sections {
		if sr.Section == p.section.ID && (p.child == nil || sr.Child == p.child.ID) {
			return sr
		}
	}
	return engine.SectionResult{}
}

// postOutcome is what a posted page asks for next.
type postOutcome struct {
	redirect string // go here
	banner   string // or show the page again with this notice
	errors   bool   // and its errors
	fieldErr map[string]string
	submit   bool // the person pressed submit
	// check: the person pressed Next, which goes on only when the page has no problems.
	check bool
	// paste is, by table, pasted text that could not be added, shown again for correction, and
	// pasteErr why.
	paste    map[string]string
	pasteErr map[string]string
	// find is the address question whose Find address was pressed, with the postcode typed; choose,
	// that Use this address was pressed with no address chosen, so the search is shown again.
	find         *engine.Field
	findPostcode string
	choose       bool
}

// post saves a posted page into the draft and works out where to go. Attachments are stored at once.
func (f *flow) post(r *http.Request, body *pageBody, pages []page, i int) (postOutcome, error) {
	p := pages[i]
	action := body.values.Get("action")
	previous := f.pageValues(p)
	vals := renderer.DecodeSection(p.section, body.values, previous)
	if body.cut != "" {
		// The post stopped inside a file too large to read: the questions after it keep their answers.
		after := false
		for _, fd := range p.section.Fields {
			if v, ok := previous[fd.ID]; after && ok {
				vals[fd.ID] = v
			} else if after {
				delete(vals, fd.ID)
			}
			after = after || fd.ID == body.cut
		}
	}
	out := postOutcome{}
	verb, arg, _ := strings.Cut(action, ":")
	switch verb {
	case "add":
		if fd := p.section.Field(arg); editableRows(fd) {
			if n := renderer.MaxRows(fd); len(rowsOf(vals[fd.ID])) >= n {
				out.fieldErr = map[string]string{fd.ID: i18n.In(f.lang, "table.full_add", "Max", n, "Nouns", renderer.RowNounsIn(f.lang, fd))}
				break
			}
			out.redirect = renderer.RowHref(f.pageURL(p), fd.ID, "new")
		}
	case "edit":
		id, idx, _ := strings.Cut(arg, ":")
		if fd := p.section.Field(id); editableRows(fd) {
			out.redirect = renderer.RowHref(f.pageURL(p), fd.ID, idx)
		}
	case "remove":
		id, rest, _ := strings.Cut(arg, ":")
		idx, hash, _ := strings.Cut(rest, ":")
		n, err := strconv.Atoi(idx)
		if fd := p.section.Field(id); editableRows(fd) && err == nil {
			f.rowEdits = append(f.rowEdits, removeRow(fd, n, hash))
			out.banner = i18n.In(f.lang, "table.removed", "Row", renderer.RowLegend(f.lang, fd, n))
		}
	case "rows":
		id, n, _ := strings.Cut(arg, ":")
		if fd := p.section.Field(id); editableRows(fd) {
			page, _ := strconv.Atoi(n)
			out.redirect = f.pageURL(p) + "?" + renderer.TableParam(fd.ID) + "=" + strconv.Itoa(max(page, 1)) + "#" + fd.ID
		}
	case "paste":
		if fd := p.section.Field(arg); editableRows(fd) {
			f.paste(fd, body.values.Get(renderer.PasteName(fd.ID)), len(rowsOf(vals[fd.ID])), &out)
		}
	case "upload":
		fd := p.section.Field(arg)
		if fd == nil || fd.Type != engine.TypeAttachments {
			break
		}
		msg, err := f.upload(r, body.files[fd.ID], fd, vals)
		if err != nil {
			return out, err
		}
		if msg != "" {
			out.fieldErr = map[string]string{fd.ID: msg}
		} else {
			out.banner = i18n.In(f.lang, "upload.uploaded")
		}
	case "remove-file":
		id, attID, _ := strings.Cut(arg, ":")
		if fd := p.section.Field(id); fd != nil && fd.Type == engine.TypeAttachments {
			list, _ := vals[fd.ID].([]any)
			kept := []any{}
			for _, it := range list {
				if m, _ := it.(map[string]any); m["id"] != attID {
					kept = append(kept, it)
				} else {
					f.removeFiles = append(f.removeFiles, attID)
					out.banner = fmt.Sprint(m["name"]) + " has been removed"
				}
			}
			vals[fd.ID] = kept
		}
	case renderer.FindAddressAction:
		if fd := f.findableAddress(p, arg); fd != nil {
			out.find, out.findPostcode = fd, findingAddress(fd, vals)
		}
	case renderer.UseAddressAction:
		if fd := f.findableAddress(p, arg); fd != nil {
			if chosen, ok := renderer.ChosenAddress(fd, body.values.Get(fd.ID+"."+renderer.FoundPart)); ok {
				vals[fd.ID] = chosen
			} else {
				out.find, out.findPostcode, out.choose = fd, findingAddress(fd, vals), true
			}
		}
	case "save":
		out.banner, out.errors = f.saved, true
	case "next":
		out.redirect, out.check = f.base+"/pages/"+pages[min(i+1, len(pages)-1)].key(), true
	case "previous":
		out.redirect = f.base + "/pages/" + pages[max(i-1, 0)].key()
	case "goto":
		if j := f.find(pages, arg); j >= 0 {
			out.redirect = f.base + "/pages/" + arg
		}
	case "close":
		out.redirect = f.closeTo
	case "lang":
		// The header's language switch: the page saved, then shown again in the language chosen (welsh18).
		if l, ok := i18n.Parse(arg); ok {
			out.redirect = f.pageURL(p) + "?" + langParam + "=" + string(l)
		}
	case "submit":
		out.submit = true
	default:
		out.banner = f.saved
	}
	// Rows pasted but not added with their button are added with any other button; if some cannot be,
	// the page stays, showing why.
	for _, fd := range p.section.Fields {
		text := body.values.Get(renderer.PasteName(fd.ID))
		if !editableRows(fd) || verb == "paste" && arg == fd.ID || strings.TrimSpace(text) == "" {
			continue
		}
		f.paste(fd, text, len(rowsOf(vals[fd.ID])), &out)
		if out.pasteErr[fd.ID] != "" {
			out.redirect, out.submit, out.check = "", false, false
		}
	}
	// A file chosen but not uploaded with its button still goes up with any other button.
	if verb != "upload" {
		for _, fd := range p.section.Fields {
			if fd.Type != engine.TypeAttachments || body.files[fd.ID] == nil {
				continue
			}
			msg, err := f.upload(r, body.files[fd.ID], fd, vals)
			if err != nil {
				return out, err
			}
			if msg != "" {
				out.fieldErr, out.redirect, out.submit = map[string]string{fd.ID: msg}, "", false
			}
		}
	}
	f.setPageValues(p, vals)
	return out, nil
}

// upload takes the file posted for an attachments field and lists it in the answers, or says why not. The
// file is stored with the draft that lists it.
func (f *flow) upload(r *http.Request, file *postedFile, fd *engine.Field, vals map[string]any) (string, error) {
	if file == nil {
		return i18n.In(f.lang, "upload.select"), nil
	}
	list, _ := vals[fd.ID].([]any)
	if fd.MaxFiles > 0 && len(list) >= fd.MaxFiles {
		return i18n.In(f.lang, "upload.too_many", "Max", fd.MaxFiles), nil
	}
	up, msg := checkUpload(f.lang, fd, file)
	if msg != "" {
		return msg, nil
	}
	if msg := f.a.checkSafe(r, f.lang, up); msg != "" {
		return msg, nil
	}
	att := &store.Attachment{ID: store.NewID(), ResponseID: f.resp.ID, FieldID: fd.ID, Name: up.Name, Kind: up.Kind, MediaType: up.MediaType,
		Size: int64(len(up.Content)), Content: up.Content, CreatedAt: f.a.now()}
	f.addFiles = append(f.addFiles, att)
	vals[fd.ID] = append(slices.Clip(list), map[string]any{"id": att.ID, "name": att.Name, "size": float64(att.Size), "kind": att.Kind})
	return "", nil
}

// errConflict is a save refused because another tab or window changed the same page after this one was
// drawn; theirs are the answers saved there.
type errConflict struct{ theirs map[string]any }

func (e *errConflict) Error() string { return "the page changed in another window since it was drawn" }

// saveDraft writes the posted page into the draft, with its uploads and removals and its changes to
// rows, in one transaction. A page drawn before another save (another tab, a double click) is merged
// when that save did not touch this page's questions, or was this very same save; otherwise the person
// is asked (errConflict), nothing lost. Rows are never posted by the page: they are those stored, with
// this post's changes made to them.
func (f *flow) saveDraft(r *http.Request, p page) error {
	mine := f.pageValues(p)
	drawnFrom, _ := strconv.Atoi(r.PostFormValue(renderer.DraftVersionInput))
	drawnHash := r.PostFormValue(renderer.PageHashInput)
	return f.storeDraft(r, p, func(fresh *flow, cur *store.Response) (map[string]any, error) {
		theirs := fresh.pageValues(p)
		if drawnFrom != 0 && drawnFrom != cur.Version {
			if h := pageHash(p.section, theirs); h != drawnHash && h != pageHash(p.section, mine) {
				return nil, &errConflict{theirs: theirs}
			}
		}
		vals := map[string]any{}
		for k, v := range mine {
			vals[k] = v
		}
		for _, fd := range p.section.Fields {
			if fd.Container() {
				vals[fd.ID] = theirs[fd.ID]
			}
		}
		return vals, nil
	})
}

// saveRows writes this post's changes to rows into the draft, in one transaction, leaving the page's
// other answers as they are stored.
func (f *flow) saveRows(r *http.Request, p page) error {
	return f.storeDraft(r, p, func(fresh *flow, _ *store.Response) (map[string]any, error) {
		return fresh.pageValues(p), nil
	})
}

// storeDraft stores the page's answers that merge gives from the draft as stored (fresh), with the post's
// changes to rows made to them, the page marked as visited, and the post's uploads and removals.
func (f *flow) storeDraft(r *http.Request, p page, merge func(fresh *flow, cur *store.Response) (map[string]any, error)) error {
	// The change is worked out from the draft as read before the transaction, so that the store's one
	// writer waits only for the draft to be read and written, not for a thousand rows to be put in order
	// and written out; it is used when the draft stored is still the one read, and worked out again from
	// the draft as stored otherwise.
	asRead := *f
	asRead.answers, asRead.edited = f.draft.answers, false
	pre, preErr := f.change(&asRead, f.resp, p, merge)
	saved, err := f.a.work.SaveDraftHolding(r.Context(), f.resp.ID, userFrom(r).Email, f.resp.Version, func(cur *store.Response) (casework.Edit, error) {
		written, err := pre, preErr
		if cur.Version != f.resp.Version {
			// Changed elsewhere since it was read: start from the draft as stored.
			fresh, ferr := f.a.newFlow(cur, f.base)
			if ferr != nil {
				return casework.Edit{}, ferr
			}
			written, err = f.change(fresh, cur, p, merge)
		}
		if err != nil {
			return casework.Edit{}, err
		}
		f.answers, f.draft = written.answers, written
		return casework.Edit{Answers: written.raw, Add: f.addFiles, Remove: f.removeFiles}, nil
	})
	if err != nil {
		return err
	}
	// The flow is now the draft as saved, kept for the requests that follow.
	f.resp, f.edited = saved, false
	if bytes.Equal(saved.Answers, f.draft.raw) {
		f.a.drafts.put(saved.ID, saved.Version, f.draft)
	}
	return nil
}

// change is the draft of fresh (as stored in cur) with the page's answers that merge gives, this post's
// changes to rows made to them and the page marked as visited, written.
func (f *flow) change(fresh *flow, cur *store.Response, p page, merge func(fresh *flow, cur *store.Response) (map[string]any, error)) (*draft, error) {
	vals, err := merge(fresh, cur)
	if err != nil {
		return nil, err
	}
	for _, e := range f.rowEdits {
		rows, err := e.apply(rowsOf(vals[e.field.ID]))
		if err != nil {
			return nil, err
		}
		vals[e.field.ID] = rows
	}
	fresh.setPageValues(p, vals)
	// The page moves to the end of the visited pages, which are so in the order last saved: Recover a Form
	// reopens a draft where it was left (leftOff).
	key := p.key()
	if n := len(fresh.answers.Visited); n == 0 || fresh.answers.Visited[n-1] != key {
		fresh.answers.Visited = append(slices.DeleteFunc(slices.Clone(fresh.answers.Visited), func(k string) bool { return k == key }), key)
	}
	if len(f.rowEdits) > 0 || p.section.RepeatFor != "" {
		// lists15: an item removed takes the answers of the sections repeated for it with it, also when
		// its page was saved in another window as it was removed.
		fresh.answers = fresh.form.DropRemovedItems(fresh.caseData, fresh.answers)
	}
	written, err := fresh.draft.encode(fresh.answers)
	if err != nil {
		return nil, fmt.Errorf("encode answers: %w", err)
	}
	if len(written.raw) > maxDraftBytes {
		return nil, errDraftTooLarge
	}
	return written, nil
}

// maxDraftBytes bounds a draft's answers, as JSON. Each post is bounded by its questions' lengths, but a
// row too long is saved (and shown with its problem) so that nothing typed is lost, and a question without
// a maxLength may post a megabyte: a thousand posts could otherwise grow one draft, which every page reads
// and decodes, to a gigabyte. 32 MB is two and a half times the longest Multi-Agency Chronology its
// maxLengths allow (1,000 rows of every answer at its longest, 12 million characters); a real 2,000-row
// chronology is 180 KB.
const maxDraftBytes = 32 << 20

// draftTooLargeMessage says a save was refused as the draft would pass maxDraftBytes, at the question fd
// (its rows, when it has them).
func draftTooLargeMessage(l i18n.Lang, fd *engine.Field) string {
	nouns := i18n.In(l, "table.rows")
	if fd != nil && fd.Container() {
		nouns = renderer.RowNounsIn(l, fd)
	}
	return i18n.In(l, "table.too_large", "MB", maxDraftBytes>>20, "Nouns", nouns)
}

// pageHash identifies the answers a page was drawn with, so a save can tell whether they changed since.
// The rows of tables and lists are not among them: a change to a row is checked against that row.
func pageHash(s *engine.Section, vals map[string]any) string {
	own := make(map[string]any, len(vals))
	for k, v := range vals {
		if fd := s.Field(k); fd == nil || !fd.Container() {
			own[k] = v
		}
	}
	b, _ := json.Marshal(own) // map keys are sorted
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// submitResponse submits the flow's answers when they are all valid. It reports false, with nothing
// changed, when answers are missing or the response changed meanwhile, so the person goes back to the
// submit page, which says what is missing.
func (f *flow) submitResponse(r *http.Request) (*store.Response, bool, error) {
	resp, err := f.a.work.Submit(r.Context(), f.resp.ID, userFrom(r).Email)
	if errors.Is(err, casework.ErrInvalid) || errors.Is(err, casework.ErrNotAllowed) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return resp, true, nil
}
