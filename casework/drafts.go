package casework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"formportal/apievents"
	"formportal/engine"
	"formportal/metrics"
	"formportal/store"
)

// Edit is what one save changes: the new draft answers, and the documents uploaded or removed with them.
// They are written together, so an answer never lists a document that is not stored, and a removed
// document is gone only once the draft no longer lists it.
type Edit struct {
	Answers json.RawMessage
	Add     []*store.Attachment
	Remove  []string // attachment ids
}

// SaveDraft saves a draft. edit is given the response as it is stored now, inside the transaction, and
// returns the change; it decides how to treat changes made since the person's page was drawn (another tab,
// a double click), and an error from it leaves everything as it was.
func (s *Service) SaveDraft(ctx context.Context, id, actor string, edit func(current *store.Response) (Edit, error)) (*store.Response, error) {
	return s.SaveDraftHolding(ctx, id, actor, 0, edit)
}

// SaveDraftHolding is SaveDraft for an editor holding the answers of version held, its change worked
// out from them: while that is still the version stored, current's Answers are nil (not read again
// inside the transaction, where the store's one writer waits).
func (s *Service) SaveDraftHolding(ctx context.Context, id, actor string, held int, edit func(current *store.Response) (Edit, error)) (*store.Response, error) {
	r, err := s.changeHolding(ctx, id, held, Save, actor, func(tx store.Data, r *store.Response) (note, error) {
		e, err := edit(r)
		if err != nil {
			return note{}, err
		}
		for _, att := range e.Add {
			if att.ResponseID != r.ID {
				return note{}, fmt.Errorf("attachment %s belongs to response %s", att.ID, att.ResponseID)
			}
			if err := tx.AddAttachment(ctx, att); err != nil {
				return note{}, err
			}
		}
		for _, attID := range e.Remove {
			att, err := tx.Attachment(ctx, attID)
			if errors.Is(err, store.ErrNotFound) || err == nil && att.ResponseID != r.ID {
				continue
			}
			if err != nil {
				return note{}, err
			}
			if err := tx.DeleteAttachment(ctx, attID); err != nil {
				return note{}, err
			}
		}
		r.Answers = e.Answers
		if r.Status == store.StatusSent || r.Status == store.StatusOpened {
			r.Status = store.StatusInProgress
		}
		return note{quiet: true}, nil
	})
	if err == nil {
		metrics.Saved(string(r.Kind))
	}
	return r, err
}

// Submit submits a response whose answers are complete: the cleaned submission is kept with a reference
// number, and a referrer gets a confirmation email. It returns ErrInvalid, changing nothing, when answers
// are missing or wrong.
func (s *Service) Submit(ctx context.Context, id, actor string) (*store.Response, error) {
	r, err := s.change(ctx, id, Submit, actor, func(tx store.Data, r *store.Response) (note, error) {
		form, err := s.FormOf(r)
		if err != nil {
			return note{}, err
		}
		// The person submits the questions they see; the submission kept is the form's as staff see it,
		// with the staff-only answers given so far and those prefilled from the case data.
		res, err := Validate(form.ForPerson(), r, s.now())
		if err != nil {
			return note{}, err
		}
		if !res.Valid() {
			return note{}, ErrInvalid
		}
		if form.HasStaffOnly() {
			if res, err = Validate(form, r, s.now()); err != nil {
				return note{}, err
			}
		}
		sub, err := json.Marshal(res.Submission)
		if err != nil {
			return note{}, fmt.Errorf("encode submission: %w", err)
		}
		n := note{tell: apievents.DelegationSubmitted}
		if r.Kind == store.KindReferral {
			n.tell = apievents.ReferralSubmitted
		}
		if r.Status == store.StatusReturned {
			n.event = "resubmitted"
			if r.Kind == store.KindReferral {
				n.tell = apievents.ReferralResubmitted
			}
		}
		now := s.now()
		r.Submission, r.Status, r.SubmittedAt = sub, store.StatusSubmitted, now
		if r.Reference == "" {
			r.Reference = reference(now)
		}
		if r.Kind == store.KindReferral {
			return n, s.mail.Queue(ctx, tx, s.referralConfirmationEmail(ctx, tx, r))
		}
		return n, nil
	})
	if err == nil {
		metrics.Submitted(string(r.Kind))
	}
	return r, err
}

// Validate checks a response's draft against its form, as submitting would.
func Validate(form *engine.Form, r *store.Response, today time.Time) (engine.Result, error) {
	var caseData any
	if err := json.Unmarshal(r.CaseData, &caseData); err != nil {
		return engine.Result{}, fmt.Errorf("response %s case data: %w", r.ID, err)
	}
	var answers engine.Answers
	if err := json.Unmarshal(r.Answers, &answers); err != nil {
		return engine.Result{}, fmt.Errorf("response %s answers: %w", r.ID, err)
	}
	return form.Validate(caseData, answers, engine.ValidateOptions{Sections: r.Sections, Today: today}), nil
}

// reference is a submission's reference number, as people read it out: FP-20260302-4821AB.
func reference(now time.Time) string {
	return "FP-" + now.Format("20060102") + "-" + strings.ToUpper(store.NewID()[:6])
}
