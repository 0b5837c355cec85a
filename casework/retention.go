package casework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"formportal/engine"
	"formportal/store"
)

// The actions of retention, as the audit log and the history name them.
const (
	Purge     Action = "purged"
	Anonymise Action = "anonymised"
)

// Fetched records, in the transaction that audits the read, that the case system fetched these
// submissions through the API: retention counts a submission's period from its first fetch.
func (s *Service) Fetched(ctx context.Context, tx store.Data, ids ...string) error {
	if err := tx.MarkFetched(ctx, ids, s.now()); err != nil {
		return fmt.Errorf("record the case system's fetch: %w", err)
	}
	return nil
}

// ErrNotDue is returned by Expire and AnonymiseExpired when the response changed since it was chosen and
// its period has not ended after all (a draft saved meanwhile): nothing is changed.
var ErrNotDue = errors.New("its retention period has not ended")

// Expire deletes a response at the end of its retention, with its history and documents, if due (read
// fresh in the transaction) still says so; the audit log keeps that it was, and why.
func (s *Service) Expire(ctx context.Context, id, actor, reason string, due func(*store.Response) bool) error {
	err := s.st.InTx(ctx, func(tx store.Data) error {
		r, err := tx.Response(ctx, id)
		if err != nil {
			return err
		}
		if !due(r) {
			return ErrNotDue
		}
		if err := tx.DeleteResponse(ctx, id, r.Version); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, Purge, r, string(r.Status)+" "+reason)
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", Purge, id, err)
	}
	return nil
}

// AnonymiseExpired keeps a response past its retention for statistics, if due (read fresh) still says so:
// the answers to fields marked sensitive, and everything of the case data but its ids, are cleared, the
// comments and the return's comment too, and its documents are deleted. Its ids, form, status and dates
// stay.
func (s *Service) AnonymiseExpired(ctx context.Context, id, actor, reason string, due func(*store.Response) bool) error {
	err := s.st.InTx(ctx, func(tx store.Data) error {
		r, err := tx.Response(ctx, id)
		if err != nil {
			return err
		}
		if !due(r) {
			return ErrNotDue
		}
		// The version the response was made on says which of its answers are sensitive: a later one may
		// have renamed or dropped them.
		form, err := s.FormOf(r)
		if err != nil {
			return fmt.Errorf("%w: its sensitive fields are not known", err)
		}
		if r.Answers, err = anonymiseAnswers(form, r.Answers); err != nil {
			return err
		}
		if r.Submission, err = anonymiseAnswers(form, r.Submission); err != nil {
			return err
		}
		if err := tx.DeleteReturnRoundsOf(ctx, r.ID); err != nil { // earlier rounds' answers go too
			return err
		}
		var caseData any
		if err := json.Unmarshal(r.CaseData, &caseData); err != nil {
			return fmt.Errorf("case data: %w", err)
		}
		kept := engine.AnonymiseCaseData(caseData)
		if kept == nil {
			kept = map[string]any{}
		}
		if r.CaseData, err = json.Marshal(kept); err != nil {
			return err
		}
		r.Comments, r.ReturnComment = "", ""
		docs, err := tx.DeleteAttachmentsOf(ctx, r.ID)
		if err != nil {
			return err
		}
		now := s.now()
		r.AnonymisedAt, r.UpdatedAt = now, now
		detail := fmt.Sprintf("%s %s; %d documents deleted", r.Status, reason, docs)
		if err := tx.UpdateResponse(ctx, r, s.event(r.ID, Anonymise, actor, detail)); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, Anonymise, r, detail)
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", Anonymise, id, err)
	}
	return nil
}

// anonymiseAnswers is a draft or a submission without its sensitive answers and document lists.
func anonymiseAnswers(form *engine.Form, raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 {
		return raw, nil
	}
	var a engine.Answers
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	if a.Values == nil {
		a.Values = map[string]any{}
	}
	return json.Marshal(form.Anonymise(a))
}
