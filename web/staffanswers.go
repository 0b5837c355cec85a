package web

import (
	"errors"
	"net/http"

	"formportal/casework"
	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// The staff console's page of the questions only staff see (engine visibleTo: staff): staff answer them
// there, at any time from the delegation being sent (a referral's once it is submitted), and the answers
// go into the submission the case system reads. The person's portal never offers them (formflow.go).

// staffSections are the staff-answerable questions of a form (casework.StaffAnswerable), as sections of
// their own: what the page draws and decodes, one heading a section.
func staffSections(form *engine.Form) []*engine.Section {
	var out []*engine.Section
	for _, fd := range casework.StaffAnswerable(form) {
		s := fd.Section()
		if n := len(out); n > 0 && out[n-1].ID == s.ID {
			out[n-1].Fields = append(out[n-1].Fields, fd)
			continue
		}
		out = append(out, &engine.Section{ID: s.ID, Title: s.Title, Fields: []*engine.Field{fd}})
	}
	return out
}

func (a *App) staffAnswersPage(kind store.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, f, ok := a.staffResponse(w, r, kind)
		if !ok {
			return
		}
		sections := staffSections(f.form)
		if len(sections) == 0 {
			a.notFound(w, r)
			return
		}
		if r.Method == http.MethodGet {
			a.render(w, r, renderer.StaffAnswers(a.staffAnswersView(r, f, resp, sections, f.answers.Values, nil)))
			return
		}
		all := &engine.Section{}
		for _, s := range sections {
			all.Fields = append(all.Fields, s.Fields...)
		}
		body, err := readPageBody(w, r, pageLimitsFor(all, nil))
		if err != nil {
			a.unreadablePost(w, r, err)
			return
		}
		typed := map[string]any{}
		values := map[string]any{}
		for _, s := range sections {
			for id, v := range renderer.DecodeSection(s, body.values, f.answers.Values) {
				typed[id] = v
			}
			for _, fd := range s.Fields {
				values[fd.ID] = typed[fd.ID] // nil: no answer
			}
		}
		_, err = a.work.SaveStaffAnswers(r.Context(), resp.ID, userFrom(r).Email, values)
		var refused *casework.StaffAnswersError
		switch {
		case errors.As(err, &refused):
			w.WriteHeader(http.StatusUnprocessableEntity)
			a.render(w, r, renderer.StaffAnswers(a.staffAnswersView(r, f, resp, sections, typed, refused.Errors)))
			return
		case errors.Is(err, casework.ErrNotAllowed):
			a.notFound(w, r)
			return
		case err != nil:
			a.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, "/staff/"+string(kind)+"s/"+resp.ID+"/answers", http.StatusSeeOther)
	}
}

// staffAnswersView draws the staff-only questions with these answers, and the problems with them.
func (a *App) staffAnswersView(r *http.Request, f *flow, resp *store.Response, sections []*engine.Section, values map[string]any, errs []engine.FieldError) renderer.StaffAnswersView {
	base := "/staff/" + string(resp.Kind) + "s/" + resp.ID
	v := renderer.StaffAnswersView{Page: a.page(r, i18n.T(r.Context(), "fields.staff_answers.page_title", "Form", f.form.Title)), FormTitle: f.form.Title,
		Action: base + "/staff-answers", BackHref: base}
	for _, s := range sections {
		var own []engine.FieldError
		for _, e := range errs {
			if s.Field(e.Field) != nil {
				own = append(own, e)
			}
		}
		in := renderer.SectionInput{Section: s, Values: values, Errors: own, Action: v.Action, Form: f.form, Answers: f.answers}
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItems(in, own)...)
		v.Groups = append(v.Groups, renderer.StaffAnswerGroup{Title: s.Title, Fields: renderer.BuildSection(in)})
	}
	return v
}
