package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/casework"
	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/retention"
	"formportal/store"
)

// The Children's Portal: referrals by professionals and the public.

// submittedShown is how long a referrer sees a form under Submitted Forms after submitting it.
const submittedShown = 30 * 24 * time.Hour

func (a *App) start(w http.ResponseWriter, r *http.Request) {
	v := renderer.StartView{Page: a.page(r, ""), OutOfHoursPhone: a.cfg.OutOfHoursPhone}
	if as := r.URL.Query().Get("as"); as == engine.AudienceProf || as == engine.AudiencePublic {
		v.Audience = as // the door chosen with its button; any other is the choice again
	}
	for _, audience := range []string{engine.AudienceProf, engine.AudiencePublic} {
		for _, f := range a.forms.Referrals(audience) {
			f = inLang(r.Context(), f)
			link := renderer.FormLink{Title: f.Title, Description: f.Description, Href: "/referrals/new/" + f.ID + "?as=" + audience}
			if audience == engine.AudienceProf {
				v.Professional = append(v.Professional, link)
			} else {
				v.Public = append(v.Public, link)
			}
		}
	}
	if u := userFrom(r); u != nil {
		tasks, err := a.store.ListResponses(r.Context(), store.ResponseFilter{Kind: store.KindDelegation, OwnerEmail: u.Email, Limit: 1})
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		v.HasTasks = len(tasks) > 0
	}
	a.render(w, r, renderer.StartPage(v))
}

// referralForm finds the form and audience of a new referral from the URL.
func (a *App) referralForm(r *http.Request) (*engine.Form, string) {
	return a.newReferralForm(chi.URLParam(r, "form"), r.URL.Query().Get("as"))
}

func (a *App) newReferralForm(id, audience string) (*engine.Form, string) {
	form := a.forms.Get(id)
	if form == nil || form.Kind != engine.KindReferral || !form.HasAudience(audience) {
		return nil, ""
	}
	return form.ForPerson(), audience
}

// overview shows a referral's first section, which anyone may read before signing in.
func (a *App) overview(w http.ResponseWriter, r *http.Request) {
	form, audience := a.referralForm(r)
	if form == nil {
		a.notFound(w, r)
		return
	}
	form = inLang(r.Context(), form)
	first := form.Sections[0]
	var nav []renderer.NavItem
	for _, s := range form.Sections {
		if !s.PerChild && s.ShowWhen == nil {
			nav = append(nav, renderer.NavItem{Title: s.Title})
		}
	}
	fields := renderer.BuildSection(renderer.SectionInput{Section: first, Values: map[string]any{}, ReadOnly: true, Lang: i18n.From(r.Context())})
	action := "/referrals/new/" + form.ID + "?as=" + url.QueryEscape(audience)
	a.render(w, r, renderer.OverviewPage(a.page(r, form.Title), form.Title, fields, nav, action, "/forms/"+form.ID+"/blank.pdf", userFrom(r) != nil))
}

// startReferral is the overview's Next: sign in first if needed, then a new draft.
func (a *App) startReferral(w http.ResponseWriter, r *http.Request) {
	form, audience := a.referralForm(r)
	if form == nil {
		a.notFound(w, r)
		return
	}
	u := userFrom(r)
	if u == nil || u.EmailVerifiedAt.IsZero() || u.TermsAcceptedAt.IsZero() {
		// Remembered as the overview with start=1: signing in or registering then starts the form.
		s := sessionFrom(r)
		s.Data[keyReturn] = "/referrals/new/" + form.ID + "?as=" + url.QueryEscape(audience) + "&start=1"
		if err := a.saveSession(r, s); err != nil {
			a.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	first, err := a.beginReferral(r, u, form, audience)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, first, http.StatusSeeOther)
}

// beginReferral starts a draft of the form and returns its first question page: the page after the
// overview, which has been read.
func (a *App) beginReferral(r *http.Request, u *store.User, form *engine.Form, audience string) (string, error) {
	resp, err := a.work.StartReferral(r.Context(), form.ID, referrer(u, audience))
	if err != nil {
		return "", err
	}
	f, err := a.referralFlow(r.Context(), resp)
	if err != nil {
		return "", err
	}
	pages := f.pages(f.validate())
	if len(pages) == 1 {
		return f.base + "/pages/" + pages[0].key(), nil
	}
	// The overview was read before the draft began: it is visited, so it does not say Not started. The
	// save is the person's, who may be signing in with this very request.
	r = r.WithContext(context.WithValue(r.Context(), userKey, u))
	if err := f.saveRows(r, pages[0]); err != nil {
		return "", fmt.Errorf("mark the overview read: %w", err)
	}
	return f.base + "/pages/" + pages[1].key(), nil
}

// continueAfterSignIn carries out what the person asked for before signing in: the overview's Next
// (remembered with start=1) starts the form, so they land on its first question. It is called from the
// sign-in and registration posts, which are CSRF-checked; other destinations are returned unchanged.
func (a *App) continueAfterSignIn(r *http.Request, u *store.User, dest string) (string, error) {
	target, err := url.Parse(dest)
	if err != nil || target.Query().Get("start") != "1" {
		return dest, nil
	}
	id, ok := strings.CutPrefix(target.Path, "/referrals/new/")
	form, audience := a.newReferralForm(id, target.Query().Get("as"))
	if !ok || form == nil {
		return dest, nil
	}
	return a.beginReferral(r, u, form, audience)
}

// referrer is the signed-in person as the author of a referral.
func referrer(u *store.User, audience string) casework.Referrer {
	return casework.Referrer{UserID: u.ID, Email: u.Email, Name: u.Name(), Organisation: u.Organisation, Telephone: u.Phone, Audience: audience}
}

// loadReferral finds a referral of the signed-in user; anyone else's is "not found".
func (a *App) loadReferral(w http.ResponseWriter, r *http.Request, id string) (*store.Response, bool) {
	return a.readReferral(w, r, id, a.readResponse)
}

// readReferral is loadReferral reading the response with read: whole, or its head alone.
func (a *App) readReferral(w http.ResponseWriter, r *http.Request, id string, read responseReader) (*store.Response, bool) {
	resp, err := read(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && (resp.Kind != store.KindReferral || resp.OwnerUserID != userFrom(r).ID) {
		a.log.Warn("access refused", "user", userFrom(r).ID, "referral", id, "path", r.URL.Path)
		a.auditRefusal(r, userFrom(r).Email, "access refused", id)
		a.notFound(w, r)
		return nil, false
	}
	if err != nil {
		a.serverError(w, r, err)
		return nil, false
	}
	return resp, true
}

func (a *App) referralFlow(ctx context.Context, resp *store.Response) (*flow, error) {
	f, err := a.newFlow(resp, "/referrals/"+resp.ID)
	if err != nil {
		return nil, err
	}
	f.speak(ctx)
	f.readOnly = resp.Status != store.StatusDraft && resp.Status != store.StatusReturned
	f.submit, f.save, f.closeTo, f.submitLast = i18n.T(ctx, "check.submit"), i18n.T(ctx, "referral.save_for_later"), "/recover", true
	f.saved = i18n.T(ctx, "referral.saved", "Kept", a.draftKept(ctx, f.form, resp))
	if resp.Status == store.StatusReturned {
		f.header = renderer.ReturnedNotice(resp.ReturnReason, resp.ReturnComment, "/referrals/"+resp.PreviousID+"/print")
	}
	return f, nil
}

func (a *App) referralPage(w http.ResponseWriter, r *http.Request) {
	read := func(w http.ResponseWriter, r *http.Request, read responseReader) (*store.Response, bool) {
		return a.readReferral(w, r, chi.URLParam(r, "id"), read)
	}
	a.showFormPage(w, r, read, a.referralFlow)
}

func (a *App) referralPost(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openReferral(w, r, true)
	if !ok {
		return
	}
	a.postPage(w, r, f)
}

// checkAnswers is the Declaration & Submit summary.
func (a *App) checkAnswers(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openReferral(w, r, true)
	if !ok {
		return
	}
	res := f.validate()
	p := a.page(r, i18n.T(r.Context(), "check.page_title"))
	a.render(w, r, renderer.CheckAnswersPage(p, f.form.Title, f.summary(res), f.submitProblems(res), f.base+"/confirm", f.base))
}

// summary lists every visible answer of the flow by page, for check-your-answers.
func (f *flow) summary(res engine.Result) []renderer.SummarySection {
	children := f.form.Children(f.caseData)
	var out []renderer.SummarySection
	for _, p := range f.pages(res) {
		sr := sectionResult(res, p)
		hidden := map[string]bool{}
		for _, id := range sr.Hidden {
			hidden[id] = true
		}
		vals := res.Submission.Values
		title := p.fullTitle()
		if p.child != nil {
			vals = res.Submission.Children[p.child.ID]
		}
		sec := renderer.SummarySection{Title: title}
		for _, fd := range p.section.Fields {
			if !fd.Answerable() || hidden[fd.ID] {
				continue
			}
			label := fd.Label
			if label == "" {
				label = fd.ID
			}
			sec.Rows = append(sec.Rows, renderer.SummaryRow{Question: label, Answer: fd.FormatAnswer(vals[fd.ID], children),
				Href: f.base + "/pages/" + p.key() + "#" + renderer.ErrorID(fd, fd.ID)})
		}
		if len(sec.Rows) > 0 {
			out = append(out, sec)
		}
	}
	return out
}

func (a *App) confirmReferral(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openReferral(w, r, true)
	if !ok {
		return
	}
	res := f.validate()
	p := a.page(r, i18n.T(r.Context(), "check.submit"))
	problems := f.submitProblems(res)
	if len(problems) > 0 {
		p.Title = i18n.T(r.Context(), "confirm.cannot_yet")
	}
	a.render(w, r, renderer.SubmitPage(p, f.form.Title, i18n.T(r.Context(), "check.submit"), f.base+"/submit", f.base+"/submit", problems,
		i18n.T(r.Context(), "confirm.sure")))
}

func (a *App) submitReferral(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openReferral(w, r, true)
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
	a.log.Info("referral submitted", "response", resp.ID, "form", resp.FormID)
	a.render(w, r, renderer.ConfirmationPage(a.page(r, i18n.T(r.Context(), "done.title")), i18n.T(r.Context(), "done.title"), resp.Reference,
		i18n.T(r.Context(), "done.text"),
		"/submitted", i18n.T(r.Context(), "done.see_submitted")))
}

func (a *App) recover(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	list, err := a.store.ListResponses(r.Context(), store.ResponseFilter{Kind: store.KindReferral, OwnerUserID: u.ID,
		Statuses: []store.Status{store.StatusDraft}})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	var rows []renderer.DraftRow
	for _, resp := range list {
		f, err := a.referralFlow(r.Context(), resp)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		deleted := a.cfg.Retention.PolicyOf(f.form).DraftEnds(resp)
		if deleted.Before(a.now()) {
			continue // its period has ended: housekeeping deletes it at its next pass
		}
		rows = append(rows, renderer.DraftRow{Href: f.base, FormTitle: f.form.Title, Child: f.childName(r.Context()),
			Saved: age(r.Context(), a.now(), resp.UpdatedAt), DeletedOn: i18n.Date(i18n.From(r.Context()), deleted)})
	}
	a.render(w, r, renderer.RecoverPage(a.page(r, i18n.T(r.Context(), "recover.title")), rows))
}

// draftKept says how long a saved draft is kept: "for 30 days" after each save, or until a date.
func (a *App) draftKept(ctx context.Context, form *engine.Form, resp *store.Response) string {
	p := a.cfg.Retention.PolicyOf(form)
	if p.DraftsFromStart {
		return i18n.T(ctx, "referral.kept_until", "Date", i18n.Date(i18n.From(ctx), p.DraftEnds(resp)))
	}
	return i18n.T(ctx, "referral.kept_for", "Days", int(p.Drafts/retention.Day))
}

// childName is the name of the child a referral is about, as typed so far, in the language of ctx. A
// form that asks about its children in a list (Early Help's children in the family) is named by its
// first child, "and 1 sibling" as the task lists say it.
func (f *flow) childName(ctx context.Context) string {
	for _, key := range []string{"child_name", "child_full_name", "name_of_child"} {
		if s, ok := f.answers.Values[key].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	for _, s := range f.form.Sections {
		if !strings.Contains(s.ID, "child") {
			continue
		}
		for _, fd := range s.Fields {
			if strings.Contains(strings.ToLower(fd.Label), "name") {
				if v, ok := f.answers.Values[fd.ID].(string); ok && v != "" {
					return v
				}
			}
			if fd.Type != engine.TypeList && fd.Type != engine.TypeTable {
				continue
			}
			var children []renderer.ChildLine
			rows, _ := f.answers.Values[fd.ID].([]any)
			for _, row := range rows {
				m, _ := row.(map[string]any)
				if name, _ := m["name"].(string); strings.TrimSpace(name) != "" {
					children = append(children, renderer.ChildLine{Name: name})
				}
			}
			if len(children) > 0 {
				return taskNameIn(i18n.From(ctx), children)
			}
		}
	}
	return i18n.T(ctx, "recover.child_not_given")
}

// age says how long ago a form was saved, in the language of ctx: "Today", "3 days ago".
func age(ctx context.Context, now, then time.Time) string {
	days := int(now.Sub(then).Hours() / 24)
	switch days {
	case 0:
		return i18n.T(ctx, "recover.today")
	case 1:
		return i18n.T(ctx, "recover.one_day_ago")
	}
	return i18n.T(ctx, "recover.days_ago", "Days", days)
}

func (a *App) resumeReferral(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openReferral(w, r, false)
	if !ok {
		return
	}
	res := f.validate()
	pages := f.pages(res)
	next := pages[0]
	switch {
	case len(pages) == 1 || f.readOnly:
	case f.resp.Status == store.StatusDraft:
		next = f.leftOff(res, pages)
	default:
		next = pages[1]
	}
	http.Redirect(w, r, f.base+"/pages/"+next.key(), http.StatusSeeOther)
}

// leftOff is the page a saved draft reopens on from Recover a Form: the page saved last, past the
// overview. When that is not known, or not shown now (an answer since hides it), it is the first page the
// section list does not show as completed (a required question unanswered, or the page not yet looked
// at), or else the first question's.
func (f *flow) leftOff(res engine.Result, pages []page) page {
	if n := len(f.answers.Visited); n > 0 {
		if i := f.find(pages, f.answers.Visited[n-1]); i > 0 {
			return pages[i]
		}
	}
	for _, p := range pages[1:] {
		if f.navStatus(res, p) != string(engine.Completed) {
			return p
		}
	}
	return pages[1]
}

func (a *App) submittedForms(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	list, err := a.store.ListResponses(r.Context(), store.ResponseFilter{Kind: store.KindReferral, OwnerUserID: u.ID,
		Statuses: []store.Status{store.StatusSubmitted, store.StatusReturned}})
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	var returned, submitted []renderer.SubmittedRow
	recent := a.now().Add(-submittedShown)
	for _, resp := range list {
		f, err := a.referralFlow(r.Context(), resp)
		if err != nil {
			a.serverError(w, r, err)
			return
		}
		row := renderer.SubmittedRow{Href: f.base, FormTitle: f.form.Title, Child: f.childName(r.Context()), SubmittedBy: resp.OwnerName,
			Reference: resp.Reference, Reason: resp.ReturnReason, Comment: resp.ReturnComment, DetailsHref: f.base + "/pdf"}
		if resp.Status == store.StatusReturned {
			row.PreviousHref = "/referrals/" + resp.PreviousID + "/print"
			if prev, err := a.store.Response(r.Context(), resp.PreviousID); err == nil {
				row.SubmittedOn = i18n.Date(i18n.From(r.Context()), prev.SubmittedAt)
				row.Reference = prev.Reference
			}
			returned = append(returned, row)
			continue
		}
		if resp.SubmittedAt.After(recent) {
			row.SubmittedOn = i18n.Date(i18n.From(r.Context()), resp.SubmittedAt)
			if resp.PreviousID != "" { // the same reference, a later round
				row.SubmittedOn = i18n.T(r.Context(), "submitted.resubmitted", "Date", row.SubmittedOn)
			}
			submitted = append(submitted, row)
		}
	}
	a.render(w, r, renderer.SubmittedPage(a.page(r, i18n.T(r.Context(), "submitted.title")), returned, submitted))
}

func (a *App) referralPrint(w http.ResponseWriter, r *http.Request) {
	f, ok := a.openReferral(w, r, false)
	if !ok {
		return
	}
	f.header = nil
	a.render(w, r, renderer.PrintPage(f.printView(r)))
}

func (a *App) referralFile(w http.ResponseWriter, r *http.Request) {
	resp, ok := a.loadReferral(w, r, chi.URLParam(r, "id"))
	if !ok {
		return
	}
	a.serveAttachment(w, r, resp.ID, chi.URLParam(r, "file"))
}

// openReferral loads the signed-in user's referral named in the URL and its flow. For a change
// (editable), a submitted referral sends the person to Submitted Forms instead.
func (a *App) openReferral(w http.ResponseWriter, r *http.Request, editable bool) (*flow, bool) {
	resp, ok := a.loadReferral(w, r, chi.URLParam(r, "id"))
	if !ok {
		return nil, false
	}
	f, err := a.referralFlow(r.Context(), resp)
	if err != nil {
		a.serverError(w, r, err)
		return nil, false
	}
	if editable && f.readOnly {
		http.Redirect(w, r, "/submitted", http.StatusSeeOther)
		return nil, false
	}
	return f, true
}
