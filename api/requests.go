package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"formportal/casework"
	"formportal/store"
)

// Multi-agency requests: one form (or the same delegable sections) sent for one family to several
// professionals at once, each with a delegation of their own, and each agency's progress.

type agencyRequest struct {
	Professional professional `json:"professional"`
	DueDate      string       `json:"dueDate"`
	Comments     string       `json:"comments"`
}

type multiAgencyRequest struct {
	Form     string          `json:"form"`
	Sections []string        `json:"sections"`
	CaseData json.RawMessage `json:"caseData"`
	Agencies []agencyRequest `json:"agencies"`
}

func (h *Handler) createRequest(w http.ResponseWriter, r *http.Request) {
	var req multiAgencyRequest
	if e := decodeJSON(r, &req); e != nil {
		fail(w, http.StatusBadRequest, *e)
		return
	}
	form, errs := h.checkDelegable(req.Form, req.Sections, req.CaseData)
	switch {
	case len(req.Agencies) == 0:
		errs = append(errs, Error{Path: "agencies", Message: "agencies is required: at least one professional to send the form to"})
	case len(req.Agencies) > casework.MaxAgencies:
		errs = append(errs, Error{Path: "agencies", Message: fmt.Sprintf("agencies has %d professionals: a request goes to at most %d", len(req.Agencies), casework.MaxAgencies)})
	}
	seen := map[string]int{}
	to := make([]casework.Contribution, len(req.Agencies))
	for i := range req.Agencies {
		ag := &req.Agencies[i]
		prefix := fmt.Sprintf("agencies[%d].", i)
		errs = append(errs, checkProfessional(prefix, &ag.Professional, ag.DueDate)...)
		if first, dup := seen[ag.Professional.Email]; dup && ag.Professional.Email != "" {
			errs = append(errs, Error{Path: prefix + "professional.email", Message: fmt.Sprintf("agencies[%d] and agencies[%d] are the same professional: send to each once", first, i)})
		}
		seen[ag.Professional.Email] = i
		to[i] = casework.Contribution{To: casework.Professional{Email: ag.Professional.Email, Name: ag.Professional.Name, Organisation: ag.Professional.Organisation},
			DueDate: ag.DueDate, Comments: ag.Comments}
	}
	if len(errs) > 0 {
		fail(w, http.StatusBadRequest, errs...)
		return
	}
	idem, _ := r.Context().Value(idemCtx{}).(*idempotentRequest)
	var ans *answer
	ctx := casework.WithinRequest(r.Context(), func(tx store.Data, q *store.Request, members []*store.Response) error {
		v, err := h.requestJSON(r.Context(), tx, q, members)
		if err != nil {
			return err
		}
		body, err := encode(v)
		if err != nil {
			return err
		}
		ans = &answer{status: http.StatusCreated, location: Base + "/requests/" + q.ID, body: body}
		return h.keepAnswer(r.Context(), tx, idem, ans)
	})
	_, _, err := h.work.SendRequest(ctx, actor(r), casework.MultiAgency{Form: form.ID, Sections: req.Sections, CaseData: req.CaseData, To: to})
	if idem != nil && errors.Is(err, store.ErrConflict) && h.replay(w, r, idem) {
		return // the same key's first request, racing this one, sent it
	}
	if errors.Is(err, casework.ErrRequest) {
		fail(w, http.StatusBadRequest, Error{Path: "agencies", Message: err.Error()})
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ans.write(w)
}

type agencyView struct {
	Delegation   string         `json:"delegation"` // the delegation's own resource
	ID           string         `json:"id"`
	Professional professional   `json:"professional"`
	Status       string         `json:"status"`
	DueDate      string         `json:"dueDate,omitempty"`
	SubmittedAt  *time.Time     `json:"submittedAt,omitempty"`
	Reassigned   bool           `json:"reassigned"`
	Email        *emailView     `json:"email"`
	AutoReply    *autoReplyView `json:"autoReply"`
}

type requestView struct {
	ID          string       `json:"id"`
	Form        string       `json:"form"`
	FormVersion int          `json:"formVersion"`
	Sections    []string     `json:"sections"`
	CreatedBy   string       `json:"createdBy"`
	CreatedAt   time.Time    `json:"createdAt"`
	Agencies    []agencyView `json:"agencies"`
}

// requestJSON is a request as the API shows it, each agency's progress read from d (the store, or the
// transaction that sent it). It holds no child's details: those are on each delegation.
func (h *Handler) requestJSON(ctx context.Context, d store.Data, q *store.Request, members []*store.Response) (*requestView, error) {
	progress, err := h.work.Progress(ctx, d, members)
	if err != nil {
		return nil, err
	}
	v := &requestView{ID: q.ID, Form: q.FormID, FormVersion: q.FormVersion, Sections: q.Sections, CreatedBy: q.CreatedBy, CreatedAt: q.CreatedAt,
		Agencies: []agencyView{}}
	if v.Sections == nil {
		v.Sections = []string{}
	}
	for _, p := range progress {
		r := p.Delegation
		a := agencyView{Delegation: Base + "/delegations/" + r.ID, ID: r.ID, Status: string(r.Status), DueDate: r.DueDate, Reassigned: p.Reassigned,
			Professional: professional{Email: r.OwnerEmail, Name: r.OwnerName, Organisation: r.OwnerOrg}}
		if !r.SubmittedAt.IsZero() {
			t := r.SubmittedAt
			a.SubmittedAt = &t
		}
		if m := p.Mail; m != nil {
			a.Email = &emailView{Status: m.Status(), Reason: m.LastError}
		}
		if p.AutoReply != nil {
			a.AutoReply = &autoReplyView{Message: p.AutoReply.Message, StartsOn: p.AutoReply.StartsOn, EndsOn: p.AutoReply.EndsOn}
		}
		v.Agencies = append(v.Agencies, a)
	}
	return v, nil
}

// requestInURL loads the request named in the URL and its delegations, answering 404 itself.
func (h *Handler) requestInURL(w http.ResponseWriter, r *http.Request) (*store.Request, []*store.Response, bool) {
	q, err := h.st.Request(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, store.ErrNotFound) {
		fail(w, http.StatusNotFound, Error{Path: "id", Message: "There is no request with this id"})
		return nil, nil, false
	}
	var members []*store.Response
	if err == nil {
		members, err = h.st.RequestResponses(r.Context(), q.ID)
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil, nil, false
	}
	return q, members, true
}

// audited records that the key read a request, before the answer is sent.
func (h *Handler) audited(w http.ResponseWriter, r *http.Request, action string, q *store.Request) bool {
	if err := h.st.Audit(r.Context(), store.AuditEntry{At: h.now(), Actor: actor(r), Action: action, Target: q.ID}); err != nil {
		h.serverError(w, r, fmt.Errorf("audit %s of %s: %w", action, q.ID, err))
		return false
	}
	return true
}

func (h *Handler) getRequest(w http.ResponseWriter, r *http.Request) {
	q, members, ok := h.requestInURL(w, r)
	if !ok || !h.audited(w, r, "viewed request", q) {
		return
	}
	v, err := h.requestJSON(r.Context(), h.st, q, members)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
