package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/casework"
	"formportal/download"
	"formportal/emailaddr"
	"formportal/engine"
	"formportal/store"
)

type professional struct {
	Email        string `json:"email"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
}

type delegationRequest struct {
	Form         string          `json:"form"`
	FormVersion  int             `json:"formVersion"` // the version of the form it was started with
	Sections     []string        `json:"sections"`
	Professional professional    `json:"professional"`
	CaseData     json.RawMessage `json:"caseData"`
	DueDate      string          `json:"dueDate"`
	Comments     string          `json:"comments"`
	Reminders    []int           `json:"reminders"` // nil: the form's schedule
}

func (h *Handler) createDelegation(w http.ResponseWriter, r *http.Request) {
	var req delegationRequest
	if e := decodeJSON(r, &req); e != nil {
		fail(w, http.StatusBadRequest, *e)
		return
	}
	form, errs := h.checkDelegable(req.Form, req.Sections, req.CaseData)
	errs = append(errs, checkProfessional("", &req.Professional, req.DueDate)...)
	if msg := casework.CheckReminderDays(req.Reminders); msg != "" {
		errs = append(errs, Error{Path: "reminders", Message: msg})
	}
	if len(errs) > 0 {
		fail(w, http.StatusBadRequest, errs...)
		return
	}
	h.perform(w, r, r.Context(), func(ctx context.Context) (*store.Response, error) {
		return h.work.Delegate(ctx, actor(r), casework.Delegation{Form: form.ID, Sections: req.Sections,
			To:       casework.Professional{Email: req.Professional.Email, Name: req.Professional.Name, Organisation: req.Professional.Organisation},
			CaseData: req.CaseData, DueDate: req.DueDate, Comments: req.Comments, Reminders: req.Reminders})
	}, h.delegationAnswer(http.StatusCreated))
}

// checkDelegable checks what a new delegation (or request) asks of a form: that it is a delegation form,
// that the sections are its delegable ones, each once, and that the case data fits it.
func (h *Handler) checkDelegable(formID string, sections []string, rawCase json.RawMessage) (*engine.Form, []Error) {
	var errs []Error
	form := h.forms.Get(formID)
	switch {
	case formID == "":
		errs = append(errs, Error{Path: "form", Message: "form is required: the id of a form"})
	case form == nil:
		errs = append(errs, Error{Path: "form", Message: fmt.Sprintf("form %q is not installed", formID)})
	case form.Kind != engine.KindDelegation:
		errs = append(errs, Error{Path: "form", Message: fmt.Sprintf("form %q is a %s form and cannot be delegated", formID, form.Kind)})
	}
	if form != nil {
		seen := map[string]bool{}
		for i, id := range sections {
			s := form.Section(id)
			switch {
			case s == nil:
				errs = append(errs, Error{Path: fmt.Sprintf("sections[%d]", i), Message: fmt.Sprintf("form %q has no section %q", formID, id)})
			case !s.Delegable:
				errs = append(errs, Error{Path: fmt.Sprintf("sections[%d]", i), Message: fmt.Sprintf("section %q cannot be delegated on its own", id)})
			case seen[id]:
				errs = append(errs, Error{Path: fmt.Sprintf("sections[%d]", i), Message: fmt.Sprintf("section %q is listed twice", id)})
			}
			seen[id] = true
		}
		var caseData any
		if len(rawCase) == 0 {
			errs = append(errs, Error{Path: "caseData", Message: "caseData is required"})
		} else if err := json.Unmarshal(rawCase, &caseData); err != nil {
			errs = append(errs, Error{Path: "caseData", Message: "caseData is not valid JSON"})
		} else if bad := form.BoundCaseData(caseData, len(rawCase)); len(bad) > 0 {
			for _, e := range bad {
				errs = append(errs, Error{Path: joinPath("caseData", e.Path), Message: e.Message})
			}
		} else {
			for _, e := range form.CheckCaseData(caseData) {
				errs = append(errs, Error{Path: joinPath("caseData", e.Path), Message: e.Message})
			}
		}
	}
	return form, errs
}

// checkProfessional checks who a delegation goes to and its due date, normalising the email address;
// prefix is where the professional sits in the request ("" for a delegation's own, "professionals[2].").
func checkProfessional(prefix string, p *professional, dueDate string) []Error {
	var errs []Error
	p.Email = emailaddr.Normalise(p.Email)
	if msg := emailaddr.Problem(p.Email); msg != "" {
		errs = append(errs, Error{Path: prefix + "professional.email", Message: msg})
	}
	if strings.TrimSpace(p.Name) == "" {
		errs = append(errs, Error{Path: prefix + "professional.name", Message: prefix + "professional.name is required"})
	}
	if dueDate != "" {
		if _, err := time.Parse(time.DateOnly, dueDate); err != nil {
			errs = append(errs, Error{Path: prefix + "dueDate", Message: "dueDate must be a date like 2026-04-08"})
		}
	}
	return errs
}

// delegationAnswer answers a change of a delegation with the delegation as it is in the change's
// transaction; created, with where it is.
func (h *Handler) delegationAnswer(status int) func(ctx context.Context, tx store.Data, resp *store.Response) (*answer, error) {
	return func(ctx context.Context, tx store.Data, resp *store.Response) (*answer, error) {
		d, err := h.delegationJSON(ctx, tx, resp)
		if err != nil {
			return nil, err
		}
		body, err := encode(d)
		if err != nil {
			return nil, err
		}
		a := &answer{status: status, etag: etag(resp), body: body}
		if status == http.StatusCreated {
			a.location = Base + "/delegations/" + resp.ID
		}
		return a, nil
	}
}

func joinPath(prefix, path string) string {
	path = strings.TrimPrefix(path, "/")
	if path == "" {
		return prefix
	}
	return prefix + "." + strings.ReplaceAll(path, "/", ".")
}

type delegationView struct {
	ID           string          `json:"id"`
	Form         string          `json:"form"`
	FormVersion  int             `json:"formVersion"` // the version of the form it was started with
	Sections     []string        `json:"sections"`
	Status       string          `json:"status"`
	Professional professional    `json:"professional"`
	DueDate      string          `json:"dueDate,omitempty"`
	Overdue      bool            `json:"overdue"`
	Reminders    []int           `json:"reminders"`
	Comments     string          `json:"comments,omitempty"`
	Reference    string          `json:"reference,omitempty"`
	CreatedAt    time.Time       `json:"createdAt"`
	UpdatedAt    time.Time       `json:"updatedAt"`
	SubmittedAt  *time.Time      `json:"submittedAt,omitempty"`
	AutoReply    *autoReplyView  `json:"autoReply"`
	Email        *emailView      `json:"email"`
	History      []historyView   `json:"history"`
	Submission   string          `json:"submission,omitempty"`
	CaseData     json.RawMessage `json:"caseData"`
}

type autoReplyView struct {
	Message  string `json:"message"`
	StartsOn string `json:"startsOn"`
	EndsOn   string `json:"endsOn"`
}

// emailView is how the latest email to the professional about a delegation fared.
type emailView struct {
	Status string `json:"status"` // store.MailQueued, MailSent or MailUndeliverable
	Reason string `json:"reason,omitempty"`
}

type historyView struct {
	At     time.Time `json:"at"`
	Event  string    `json:"event"`
	Actor  string    `json:"actor,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// delegationJSON is a delegation as the API shows it, read from d (the store, or a change's transaction).
func (h *Handler) delegationJSON(ctx context.Context, d store.Data, resp *store.Response) (*delegationView, error) {
	v := &delegationView{ID: resp.ID, Form: resp.FormID, FormVersion: h.formVersion(resp), Sections: resp.Sections, Status: string(resp.Status),
		Professional: professional{Email: resp.OwnerEmail, Name: resp.OwnerName, Organisation: resp.OwnerOrg},
		DueDate:      resp.DueDate, Comments: resp.Comments, Reference: resp.Reference, CreatedAt: resp.CreatedAt, UpdatedAt: resp.UpdatedAt,
		CaseData: resp.CaseData, History: []historyView{}}
	if v.Sections == nil {
		v.Sections = []string{}
	}
	v.Overdue = casework.Overdue(resp, h.now())
	days, _, err := h.work.ReminderDays(ctx, d, resp)
	if err != nil {
		return nil, err
	}
	v.Reminders = append([]int{}, days...)
	if !resp.SubmittedAt.IsZero() {
		t := resp.SubmittedAt
		v.SubmittedAt = &t
		v.Submission = Base + "/delegations/" + resp.ID + "/submission"
	}
	events, err := d.Events(ctx, resp.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		v.History = append(v.History, historyView{At: e.At, Event: e.Kind, Actor: e.Actor, Detail: e.Detail})
	}
	reply, err := h.work.AutoReplyFor(ctx, resp.OwnerEmail)
	if err != nil {
		return nil, err
	}
	if reply != nil {
		v.AutoReply = &autoReplyView{Message: reply.Message, StartsOn: reply.StartsOn, EndsOn: reply.EndsOn}
	}
	m, err := casework.LatestMail(ctx, d, resp.ID)
	if err != nil {
		return nil, err
	}
	if m != nil {
		v.Email = &emailView{Status: m.Status(), Reason: m.LastError}
	}
	return v, nil
}

// delegation loads the delegation named in the URL, answering 404 itself.
func (h *Handler) delegation(w http.ResponseWriter, r *http.Request) (*store.Response, bool) {
	return h.responseInURL(w, r, "There is no delegation with this id", func(resp *store.Response) bool {
		return resp.Kind == store.KindDelegation
	})
}

// responseInURL loads the response named in the URL when it is one the route shows (shown), answering
// 404 with notFound itself otherwise, so that a route never says a response of another kind exists.
func (h *Handler) responseInURL(w http.ResponseWriter, r *http.Request, notFound string, shown func(*store.Response) bool) (*store.Response, bool) {
	resp, err := h.st.Response(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, store.ErrNotFound) || err == nil && !shown(resp) {
		fail(w, http.StatusNotFound, Error{Path: "id", Message: notFound})
		return nil, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil, false
	}
	return resp, true
}

func (h *Handler) getDelegation(w http.ResponseWriter, r *http.Request) {
	resp, ok := h.delegation(w, r)
	if !ok || !h.read(w, r, "viewed delegation", resp, "") {
		return
	}
	d, err := h.delegationJSON(r.Context(), h.st, resp)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(resp))
	writeJSON(w, http.StatusOK, d)
}

type reasonRequest struct {
	Reason       string          `json:"reason"`
	Comment      string          `json:"comment"`
	Professional *professional   `json:"professional"`
	Marks        []casework.Mark `json:"marks"` // a return's comments on questions and rows
}

// change applies a state change to a delegation: retract, reassign or return.
func (h *Handler) change(change casework.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, ok := h.delegation(w, r)
		if !ok {
			return
		}
		var req reasonRequest
		if e := decodeJSON(r, &req); e != nil {
			fail(w, http.StatusBadRequest, *e)
			return
		}
		req.Reason, req.Comment = strings.TrimSpace(req.Reason), strings.TrimSpace(req.Comment)
		ctx, ok := ifMatch(w, r, resp)
		if !ok {
			return
		}
		if !casework.Allowed(change, resp.Kind, resp.Status) {
			notAllowed(w, &casework.NotAllowedError{Action: change, Kind: resp.Kind, Status: resp.Status})
			return
		}
		var errs []Error
		switch change {
		case casework.Reassign:
			if req.Professional == nil {
				errs = append(errs, Error{Path: "professional", Message: "professional is required: who to re-assign to"})
			} else {
				req.Professional.Email = emailaddr.Normalise(req.Professional.Email)
				if msg := emailaddr.Problem(req.Professional.Email); msg != "" {
					errs = append(errs, Error{Path: "professional.email", Message: msg})
				}
				if strings.TrimSpace(req.Professional.Name) == "" {
					errs = append(errs, Error{Path: "professional.name", Message: "professional.name is required"})
				}
			}
		case casework.Return:
			if req.Reason == "" {
				errs = append(errs, Error{Path: "reason", Message: "reason is required, for example Insufficient Detail"})
			}
		}
		if change != casework.Return && len(req.Marks) > 0 {
			errs = append(errs, Error{Path: "marks", Message: "marks are comments on a submission returned for more information: give them only when returning"})
		}
		if len(errs) > 0 {
			fail(w, http.StatusBadRequest, errs...)
			return
		}
		h.perform(w, r, ctx, func(ctx context.Context) (*store.Response, error) {
			switch change {
			case casework.Retract:
				return h.work.Retract(ctx, resp.ID, actor(r), req.Reason)
			case casework.Reassign:
				p := req.Professional
				return h.work.Reassign(ctx, resp.ID, actor(r), casework.Professional{Email: p.Email, Name: p.Name, Organisation: p.Organisation}, req.Reason)
			}
			return h.work.ReturnForInformation(ctx, resp.ID, actor(r), req.Reason, req.Comment, req.Marks...)
		}, h.delegationAnswer(http.StatusOK))
	}
}

// changeFailed answers for a lifecycle change that did not happen: 409 when the status no longer
// allows it (another change came first), 500 otherwise. It reports whether it answered.
func (h *Handler) changeFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	var na *casework.NotAllowedError
	var ve *casework.VersionError
	var me *casework.MarksError
	switch {
	case err == nil:
		return false
	case errors.As(err, &me):
		fail(w, http.StatusBadRequest, Error{Path: "marks", Message: me.Problem})
	case errors.As(err, &ve):
		stale(w, ve.Want, ve.Current)
	case errors.As(err, &na):
		notAllowed(w, na)
	default:
		h.serverError(w, r, err)
	}
	return true
}

func notAllowed(w http.ResponseWriter, e *casework.NotAllowedError) {
	msg := e.Error()
	fail(w, http.StatusConflict, Error{Path: "status", Message: strings.ToUpper(msg[:1]) + msg[1:]})
}

type submissionView struct {
	ID          string           `json:"id"`
	Form        string           `json:"form"`
	FormVersion int              `json:"formVersion"` // the version of the form it was made with
	Reference   string           `json:"reference"`
	SubmittedAt time.Time        `json:"submittedAt"`
	SubmittedBy professional     `json:"submittedBy"`
	Answers     json.RawMessage  `json:"answers"`
	Attachments []attachmentView `json:"attachments"`
	Schema      string           `json:"schema"`
}

type attachmentView struct {
	ID    string `json:"id"`
	Field string `json:"field"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Size  int64  `json:"size"`
	Href  string `json:"href"`
}

func (h *Handler) submission(w http.ResponseWriter, r *http.Request) {
	resp, ok := h.delegation(w, r)
	if !ok {
		return
	}
	if len(resp.Submission) == 0 {
		fail(w, http.StatusNotFound, Error{Path: "id", Message: "This delegation has not been submitted"})
		return
	}
	if !h.read(w, r, "read answers", resp, "") {
		return
	}
	writeJSON(w, http.StatusOK, h.submissionJSON(resp))
}

func (h *Handler) submissionJSON(resp *store.Response) submissionView {
	v := submissionView{ID: resp.ID, Form: resp.FormID, FormVersion: h.formVersion(resp), Reference: resp.Reference, SubmittedAt: resp.SubmittedAt,
		SubmittedBy: professional{Email: resp.OwnerEmail, Name: resp.OwnerName, Organisation: resp.OwnerOrg},
		Answers:     resp.Submission, Attachments: []attachmentView{}}
	v.Schema = fmt.Sprintf("%s/forms/%s/versions/%d/schema", Base, resp.FormID, v.FormVersion)
	var ans engine.Answers
	json.Unmarshal(resp.Submission, &ans)
	collect := func(vals map[string]any) {
		for field, val := range vals {
			list, _ := val.([]any)
			for _, it := range list {
				m, _ := it.(map[string]any)
				if id, _ := m["id"].(string); id != "" && m["kind"] != nil {
					size, _ := m["size"].(float64)
					v.Attachments = append(v.Attachments, attachmentView{ID: id, Field: field, Name: fmt.Sprint(m["name"]), Kind: fmt.Sprint(m["kind"]),
						Size: int64(size), Href: Base + "/delegations/" + resp.ID + "/attachments/" + id})
				}
			}
		}
	}
	collect(ans.Values)
	for _, c := range ans.Children {
		collect(c)
	}
	return v
}

func (h *Handler) listSubmissions(w http.ResponseWriter, r *http.Request) {
	listPage(h, w, r, store.ResponseFilter{Kind: store.KindDelegation, Statuses: []store.Status{store.StatusSubmitted}}, "submissions", h.submissionJSON)
}

func (h *Handler) attachment(w http.ResponseWriter, r *http.Request) {
	if resp, ok := h.delegation(w, r); ok {
		h.serveAttachment(w, r, resp)
	}
}

// apiServeAttachment sends the response's document named in the URL, audited; "not found" as JSON when
// the response has no such document.
func (h *Handler) serveAttachment(w http.ResponseWriter, r *http.Request, resp *store.Response) {
	att, err := h.st.Attachment(r.Context(), chi.URLParam(r, "file"))
	if errors.Is(err, store.ErrNotFound) || err == nil && att.ResponseID != resp.ID {
		fail(w, http.StatusNotFound, Error{Path: "file", Message: "There is no such attachment on this " + string(resp.Kind)})
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !h.read(w, r, "downloaded document", resp, att.ID) {
		return
	}
	download.Attachment(w, att)
}

func (h *Handler) submissionSchema(w http.ResponseWriter, r *http.Request) {
	form := h.forms.Get(chi.URLParam(r, "form"))
	if form == nil {
		fail(w, http.StatusNotFound, Error{Path: "form", Message: "There is no such form"})
		return
	}
	writeJSON(w, http.StatusOK, form.SubmissionSchema())
}

// versionSchema is the submission schema of one published version of a form: the one its submissions
// were made with, whichever version is current.
func (h *Handler) versionSchema(w http.ResponseWriter, r *http.Request) {
	v, err := strconv.Atoi(chi.URLParam(r, "version"))
	if err != nil || v < 1 {
		fail(w, http.StatusNotFound, Error{Path: "version", Message: "A form version is a whole number, 1 or more"})
		return
	}
	form := h.forms.Version(chi.URLParam(r, "form"), v)
	if form == nil {
		fail(w, http.StatusNotFound, Error{Path: "version", Message: "There is no such form, or no such version of it"})
		return
	}
	writeJSON(w, http.StatusOK, form.SubmissionSchema())
}

// formVersion is the version of its form a response was made with; a response made before versions
// were kept, and not yet given one, is on the current version.
func (h *Handler) formVersion(resp *store.Response) int {
	if resp.FormVersion > 0 {
		return resp.FormVersion
	}
	if f := h.forms.Get(resp.FormID); f != nil {
		return f.Version
	}
	return 0
}

func (h *Handler) listForms(w http.ResponseWriter, r *http.Request) {
	type formView struct {
		ID        string         `json:"id"`
		Title     string         `json:"title"`
		Version   int            `json:"version"`
		Versions  []int          `json:"versions"` // every published version, earliest first
		Kind      string         `json:"kind"`
		Delegable []string       `json:"delegableSections"`
		CaseData  map[string]any `json:"caseDataSchema"`
	}
	limit, e := limitQuery(r)
	if e != nil {
		fail(w, http.StatusBadRequest, *e)
		return
	}
	var after string
	if s := r.URL.Query().Get("cursor"); s != "" {
		var ok bool
		if after, ok = parseFormCursor(s); !ok {
			fail(w, http.StatusBadRequest, Error{Path: "cursor", Message: "cursor must be the next value of an earlier page of the forms"})
			return
		}
	}
	all := slices.Clone(h.forms.All())
	slices.SortFunc(all, func(a, b *engine.Form) int { return strings.Compare(a.ID, b.ID) })
	start, _ := slices.BinarySearchFunc(all, after, func(f *engine.Form, id string) int { return strings.Compare(f.ID, id) })
	if start < len(all) && all[start].ID == after {
		start++
	}
	page := all[start:]
	more := len(page) > limit
	if more {
		page = page[:limit]
	}
	out := []formView{}
	for _, f := range page {
		after = f.ID
		v := formView{ID: f.ID, Title: f.Title, Version: f.Version, Kind: f.Kind, Delegable: []string{}, CaseData: f.CaseData}
		for _, old := range h.forms.Versions(f.ID) {
			v.Versions = append(v.Versions, old.Version)
		}
		for _, s := range f.Sections {
			if s.Delegable {
				v.Delegable = append(v.Delegable, s.ID)
			}
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"forms": out, "next": formCursor(after), "more": more})
}
