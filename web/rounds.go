package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"formportal/casework"
	"formportal/engine"
	"formportal/i18n"
	"formportal/renderer"
	"formportal/store"
)

// After a return: the council's page to return a submission with comments on its questions and rows,
// the comments on the author's pages, and what changed in the next submission, on the council's page
// and in its PDF.

// markPrefix starts the names of the return page's comment boxes: "mark." and the place's path.
const markPrefix = "mark."

// openMarks are the council's comments the flow's response shows its author, if it was returned.
func (f *flow) openMarks(ctx context.Context) map[string]string {
	marks, err := f.a.work.OpenMarks(ctx, f.resp)
	if err != nil {
		f.a.log.Error("the council's comments could not be read", "response", f.resp.ID, "err", err)
	}
	return marks
}

// postedMarks are the comments posted by the return page, in the order of the submission's places.
func postedMarks(r *http.Request, targets []engine.Target) []casework.Mark {
	var out []casework.Mark
	for _, t := range targets {
		if c := strings.TrimSpace(r.PostFormValue(markPrefix + t.Path)); c != "" {
			out = append(out, casework.Mark{Path: t.Path, Comment: c})
		}
	}
	return out
}

// targetsOf are the places of a response's submission the council can comment on: those the person sees,
// who reads the comments (never a question only staff see).
func (a *App) targetsOf(f *flow) ([]engine.Target, error) {
	sub, err := submissionAnswers(f.resp)
	if err != nil {
		return nil, err
	}
	form := f.form.ForPerson()
	return form.Targets(sub, f.resp.Sections, form.Children(f.caseData)), nil
}

// staffReturnPage shows the page that returns a submission with comments on its questions and rows.
func (a *App) staffReturnPage(kind store.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, f, ok := a.staffResponse(w, r, kind)
		if !ok {
			return
		}
		if !casework.Allowed(casework.Return, resp.Kind, resp.Status) {
			http.Redirect(w, r, "/staff/"+string(kind)+"s/"+resp.ID, http.StatusSeeOther)
			return
		}
		a.renderReturnPage(w, r, f, http.StatusOK, nil)
	}
}

// renderReturnPage draws the return page, with what was posted and its problems when there are any.
func (a *App) renderReturnPage(w http.ResponseWriter, r *http.Request, f *flow, status int, problems map[string]string) {
	targets, err := a.targetsOf(f)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	base := "/staff/" + string(f.resp.Kind) + "s/" + f.resp.ID
	v := renderer.ReturnMarksView{Page: a.page(r, i18n.T(r.Context(), "console.return.title")), FormTitle: f.form.Title, Action: base + "/return", Back: base,
		Reason: strings.TrimSpace(r.PostFormValue("reason")), Comment: strings.TrimSpace(r.PostFormValue("comment"))}
	if msg := problems["reason"]; msg != "" {
		v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: "reason", Message: msg})
	}
	for _, t := range targets {
		mt := renderer.MarkTarget{ID: "mark-" + markID(t.Path), Path: t.Path, Section: t.Section, Label: t.Label, Answer: t.Answer, Row: t.Row,
			Value: r.PostFormValue(markPrefix + t.Path), Error: problems[t.Path]}
		if mt.Error != "" {
			v.Page.Errors = append(v.Page.Errors, renderer.ErrorItem{Field: mt.ID, Message: mt.Error})
		}
		v.Targets = append(v.Targets, mt)
	}
	w.WriteHeader(status)
	a.render(w, r, renderer.ReturnMarksPage(v))
}

// markID is a place's path as an HTML id: "events[2]" is "events-2".
func markID(path string) string {
	return strings.NewReplacer("[", "-", "]", "", ".", "-").Replace(path)
}

// returnProblems checks what the return page posted, in GOV.UK words by place ("reason" for the reason).
func returnProblems(ctx context.Context, reason string, marks []casework.Mark) map[string]string {
	out := map[string]string{}
	if reason == "" {
		out["reason"] = i18n.T(ctx, "console.return.reason_enter")
	}
	for _, m := range marks {
		if n := len([]rune(m.Comment)); n > casework.MaxMarkLength {
			out[m.Path] = i18n.T(ctx, "console.return.comment_too_long", "N", casework.MaxMarkLength)
		}
	}
	return out
}

// staffReturn returns a submission for more information, with the comments on its questions and rows
// the return page posted; a problem there draws the page again with everything typed kept. It returns
// the response now open for changes, or nil when it answered the request itself.
func (a *App) staffReturn(w http.ResponseWriter, r *http.Request, resp *store.Response, f *flow, reason string) (*store.Response, error) {
	var marks []casework.Mark
	if r.PostFormValue("marking") != "" {
		targets, err := a.targetsOf(f)
		if err != nil {
			return nil, err
		}
		marks = postedMarks(r, targets)
		if problems := returnProblems(r.Context(), reason, marks); len(problems) > 0 {
			a.renderReturnPage(w, r, f, http.StatusUnprocessableEntity, problems)
			return nil, nil
		}
	} else if reason == "" {
		http.Redirect(w, r, "/staff/"+string(resp.Kind)+"s/"+resp.ID+"?problem=reason", http.StatusSeeOther)
		return nil, nil
	}
	return a.work.ReturnForInformation(r.Context(), resp.ID, userFrom(r).Email, reason, strings.TrimSpace(r.PostFormValue("comment")), marks...)
}

// changesView is what changed in a response submitted again after a return, for its staff page; nil
// when it is not a resubmission.
func (a *App) changesView(ctx context.Context, resp *store.Response) (*renderer.ChangesView, *casework.Resubmitted, error) {
	res, err := a.work.ChangesSinceReturn(ctx, resp)
	if err != nil || res == nil {
		return nil, nil, err
	}
	on := i18n.Date(i18n.From(ctx), res.Round.ReturnedAt)
	v := &renderer.ChangesView{ReturnedOn: on}
	switch n := len(res.Changes); n {
	case 0:
		v.Summary = i18n.T(ctx, "console.changes.none", "Date", on)
	case 1:
		v.Summary = i18n.T(ctx, "console.changes.count_one", "Date", on)
	default:
		v.Summary = i18n.T(ctx, "console.changes.count_many", "N", n, "Date", on)
	}
	form, err := a.work.FormOf(resp)
	if err != nil {
		return nil, nil, err
	}
	labels := map[string]string{}
	if targets, err := targetsOfRound(form, resp, res.Round); err == nil {
		for _, t := range targets {
			labels[t.Path] = t.Label
		}
	}
	for _, m := range res.Round.Marks {
		label := labels[m.Path]
		if label == "" {
			label = m.Path
		}
		v.Marks = append(v.Marks, renderer.SummaryRow{Question: label, Answer: []string{m.Comment}})
	}
	for _, c := range res.Changes {
		v.Changes = append(v.Changes, renderer.ChangeRow{Label: c.Label, Kind: c.Kind, Before: c.Before, After: c.After})
	}
	return v, res, nil
}

// targetsOfRound are the places of the submission a round returned: what its marks name.
func targetsOfRound(form *engine.Form, resp *store.Response, rd *casework.Round) ([]engine.Target, error) {
	var c any
	if err := json.Unmarshal(resp.CaseData, &c); err != nil {
		return nil, fmt.Errorf("response %s case data: %w", resp.ID, err)
	}
	return form.Targets(rd.Submission, resp.Sections, form.Children(c)), nil
}

var errNoSubmission = errors.New("it has no submission")

// submissionAnswers is a response's submission.
func submissionAnswers(resp *store.Response) (engine.Answers, error) {
	var a engine.Answers
	if len(resp.Submission) == 0 {
		return a, fmt.Errorf("response %s: %w", resp.ID, errNoSubmission)
	}
	if err := json.Unmarshal(resp.Submission, &a); err != nil {
		return a, fmt.Errorf("response %s submission: %w", resp.ID, err)
	}
	return a, nil
}
