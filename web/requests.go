package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/casework"
	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// The staff console's multi-agency requests: one form sent for one family to several professionals at
// once (each gets a delegation of their own, changed through casework like any other), and a page of
// each agency's progress. Only staff reach these routes (requireStaff).

// agencyRows is how many agency rows "Send to several agencies" starts with; "Add another agency" adds
// one at a time, without JavaScript, up to casework.MaxAgencies.
const agencyRows = 3

func (a *App) requestList(w http.ResponseWriter, r *http.Request) {
	list, err := a.store.ListRequests(r.Context(), 100)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	var rows []renderer.RequestListRow
	for _, q := range list {
		members, err := a.store.RequestResponses(r.Context(), q.ID)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		row := renderer.RequestListRow{Href: "/staff/requests/" + q.ID, FormTitle: q.FormID, SentOn: i18n.Date(i18n.From(r.Context()), q.CreatedAt), SentBy: q.CreatedBy}
		if form := a.forms.Version(q.FormID, q.FormVersion); form != nil {
			row.FormTitle = inLang(r.Context(), form).Title
			if len(members) > 0 {
				row.Family = familyName(r.Context(), form, members[0])
			}
		}
		row.Progress = i18n.T(r.Context(), "console.n_of_m", "N", submittedCount(members), "M", len(members))
		rows = append(rows, row)
	}
	a.render(w, r, renderer.RequestListPage(a.page(r, i18n.T(r.Context(), "console.requests.title")), rows))
}

// familyName is who a delegation is about, as the console's lists name them.
func familyName(ctx context.Context, form *engine.Form, resp *store.Response) string {
	var caseData any
	json.Unmarshal(resp.CaseData, &caseData)
	return taskNameIn(i18n.From(ctx), caseChildrenIn(i18n.From(ctx), form, caseData))
}

func submittedCount(members []*store.Response) int {
	n := 0
	for _, m := range members {
		if m.Status == store.StatusSubmitted {
			n++
		}
	}
	return n
}

// requestFormView is the "Send to several agencies" page for the form in the URL, if any.
func (a *App) requestFormView(r *http.Request) (renderer.RequestFormView, *engine.Form) {
	d, form := a.delegateView(r)
	d.Page.Title = i18n.T(r.Context(), "console.request.title")
	return renderer.RequestFormView{Page: d.Page, Forms: d.Forms, FormID: d.FormID, FormTitle: d.FormTitle, Sections: d.Sections}, form
}

func (a *App) requestForm(w http.ResponseWriter, r *http.Request) {
	v, form := a.requestFormView(r)
	if form != nil {
		for i := range v.Sections {
			v.Sections[i].Checked = true
		}
		v.Case = caseInputs(r.Context(), form.CaseData, nil, nil)
		for n := 1; n <= agencyRows; n++ {
			v.Agencies = append(v.Agencies, renderer.AgencyInput{N: n})
		}
		v.CanAddAgency = true
	}
	a.render(w, r, renderer.RequestFormPage(v))
}

// postedAgencies reads the agency rows the page posted (their number in "agencies"), and one more,
// empty, when "Add another agency" was pressed.
func postedAgencies(r *http.Request) []renderer.AgencyInput {
	n, _ := strconv.Atoi(r.PostFormValue("agencies"))
	n = min(max(n, 1), casework.MaxAgencies)
	if r.PostFormValue("action") == "add" && n < casework.MaxAgencies {
		n++
	}
	out := make([]renderer.AgencyInput, n)
	for i := range out {
		field := func(part string) string {
			return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("agency.%d.%s", i+1, part)))
		}
		out[i] = renderer.AgencyInput{N: i + 1, Email: normaliseEmail(field("email")), Name: field("name"), Organisation: field("organisation"),
			Comments: field("comments"), DueDay: field("due.day"), DueMonth: field("due.month"), DueYear: field("due.year")}
	}
	return out
}

func (a *App) sendRequest(w http.ResponseWriter, r *http.Request) {
	v, form := a.requestFormView(r)
	if form == nil {
		a.notFound(w, r)
		return
	}
	staff := userFrom(r)
	posted := postedCase(r)
	chosen := map[string]bool{}
	for _, s := range r.PostForm["sections"] {
		chosen[s] = true
	}
	for i := range v.Sections {
		v.Sections[i].Checked = chosen[v.Sections[i].Value]
	}
	v.Agencies = postedAgencies(r)
	v.CanAddAgency = len(v.Agencies) < casework.MaxAgencies
	if r.PostFormValue("action") == "add" {
		v.Case = caseInputs(r.Context(), form.CaseData, posted, nil)
		a.render(w, r, renderer.RequestFormPage(v))
		return
	}
	add := func(field, msg string) {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: field, Message: msg})
	}
	ctx := r.Context()
	if len(chosen) == 0 {
		add("sections", i18n.T(ctx, "console.request.no_sections"))
	}
	var to []casework.Contribution
	seen := map[string]int{}
	for _, ag := range v.Agencies {
		if ag.Email+ag.Name+ag.Organisation+ag.Comments+ag.DueDay+ag.DueMonth+ag.DueYear == "" {
			continue
		}
		id := func(part string) string { return fmt.Sprintf("agency-%d-%s", ag.N, part) }
		label := " " + i18n.T(ctx, "console.request.agency_context", "N", ag.N)
		ok := true
		if msg := professionalEmailProblem(ctx, ag.Email); msg != "" {
			add(id("email"), msg+label)
			ok = false
		} else if first, dup := seen[ag.Email]; dup {
			add(id("email"), i18n.T(ctx, "console.request.same_email", "N", ag.N, "First", first))
			ok = false
		}
		seen[ag.Email] = ag.N
		if ag.Name == "" {
			add(id("name"), i18n.T(ctx, "console.name_enter")+label)
			ok = false
		}
		due, dueID := "", fmt.Sprintf("agency.%d.due-day", ag.N) // the date input's own id
		if ag.DueDay+ag.DueMonth+ag.DueYear != "" {
			d, msg := consoleDate(ctx, ag.DueDay, ag.DueMonth, ag.DueYear, "due")
			switch {
			case msg != "":
				add(dueID, msg+label)
				ok = false
			case d < a.now().Format(time.DateOnly):
				add(dueID, i18n.T(ctx, "console.date.due_past")+label)
				ok = false
			default:
				due = d
			}
		}
		if ok {
			to = append(to, casework.Contribution{To: casework.Professional{Email: ag.Email, Name: ag.Name, Organisation: ag.Organisation},
				DueDate: due, Comments: ag.Comments})
		}
	}
	if len(seen) == 0 {
		add("agency-1-email", i18n.T(ctx, "console.request.none"))
	}
	inputs := caseInputs(ctx, form.CaseData, posted, nil)
	dateProblems := caseDates(ctx, inputs, posted)
	caseData, itemsAsked := caseDataFrom(form.CaseData, posted, staff, "Children's Services")
	caseErrs, caseItems := caseDataProblems(ctx, form, caseData, itemsAsked, inputs, dateProblems)
	v.Page.Errors = append(v.Page.Errors, caseItems...)
	if len(v.Page.Errors) > 0 {
		v.Case = caseInputs(ctx, form.CaseData, posted, caseErrs)
		w.WriteHeader(http.StatusUnprocessableEntity)
		a.render(w, r, renderer.RequestFormPage(v))
		return
	}
	sections := checkedValues(v.Sections)
	raw, err := json.Marshal(caseData)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	q, _, err := a.work.SendRequest(r.Context(), staff.Email, casework.MultiAgency{Form: form.ID, Sections: sections, CaseData: raw, To: to})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/requests/"+q.ID, http.StatusSeeOther)
}

// staffRequest loads the request in the URL and where each agency stands, answering "not found" itself.
func (a *App) staffRequest(w http.ResponseWriter, r *http.Request) (*store.Request, []casework.AgencyProgress, *engine.Form, bool) {
	q, progress, err := a.work.RequestProgress(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, store.ErrNotFound) {
		a.notFound(w, r)
		return nil, nil, nil, false
	}
	if err != nil {
		a.serverError(w, r, err)
		return nil, nil, nil, false
	}
	form := a.forms.Version(q.FormID, q.FormVersion)
	if form == nil {
		a.serverError(w, r, fmt.Errorf("request %s: form %s version %d is not installed", q.ID, q.FormID, q.FormVersion))
		return nil, nil, nil, false
	}
	return q, progress, form, true
}

func (a *App) requestPage(w http.ResponseWriter, r *http.Request) {
	q, progress, form, ok := a.staffRequest(w, r)
	if !ok {
		return
	}
	if err := a.audit(r, "viewed request", q.ID, ""); err != nil {
		a.serverError(w, r, err)
		return
	}
	ctx := r.Context()
	form = inLang(ctx, form)
	v := renderer.RequestView{Page: a.page(r, i18n.T(ctx, "console.request.page_title", "Form", form.Title)), ID: q.ID, FormTitle: form.Title,
		Sections: strings.Join(sectionTitles(ctx, form, q.Sections), ", "), SentBy: q.CreatedBy, SentOn: consoleDateTime(ctx, q.CreatedAt)}
	var members []*store.Response
	for _, p := range progress {
		members = append(members, p.Delegation)
		v.Agencies = append(v.Agencies, agencyRow(ctx, p))
	}
	v.Submitted = submittedCount(members)
	if len(members) > 0 {
		v.Family = familyName(ctx, form, members[0])
	}
	if hasChronology(form) {
		v.ChronologyHref = "/staff/requests/" + q.ID + "/chronology"
	}
	a.render(w, r, renderer.RequestPage(v))
}

// agencyRow is one agency's progress at a glance: its status as a coloured tag, and what needs the
// council's eye (an email that could not be delivered, a re-assignment, an automatic reply).
func agencyRow(ctx context.Context, p casework.AgencyProgress) renderer.AgencyRow {
	d := p.Delegation
	row := renderer.AgencyRow{Href: "/staff/delegations/" + d.ID, Organisation: d.OwnerOrg, Professional: d.OwnerName + " (" + d.OwnerEmail + ")",
		Due: dueOrNone(ctx, d.DueDate), Status: statusWords(ctx, d.Status)}
	if row.Organisation == "" {
		row.Organisation = d.OwnerEmail
	}
	row.StatusColour = map[store.Status]string{store.StatusSent: "grey", store.StatusOpened: "light-blue", store.StatusInProgress: "blue",
		store.StatusSubmitted: "green", store.StatusReturned: "yellow", store.StatusRetracted: "red"}[d.Status]
	if p.Undeliverable() {
		row.Notes = append(row.Notes, i18n.T(ctx, "console.request.undeliverable"))
	}
	if p.Reassigned {
		row.Notes = append(row.Notes, i18n.T(ctx, "console.request.reassigned"))
	}
	if p.AutoReply != nil {
		row.Notes = append(row.Notes, i18n.T(ctx, "console.request.auto_reply_until", "Date", consoleDay(ctx, p.AutoReply.EndsOn)))
	}
	return row
}
