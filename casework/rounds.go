package casework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"formportal/engine"
	"formportal/store"
)

// After a return: the council marks the questions and rows of a submission it asks about (a comment on
// each), its author sees the marks on the pages, and the next submission shows the council what changed
// since the round it returned.

// Mark is the council's comment on a question or a row of a returned submission, by its path as
// engine.Target names it ("gp_name", "children.c1.gp_name", "events[2]").
type Mark struct {
	Path    string `json:"path"`
	Comment string `json:"comment"`
}

// MaxMarkLength is the longest comment a mark may have, in characters.
const MaxMarkLength = 2000

// ErrMarks is wrapped by the errors of marks that do not fit the submission; nothing is changed.
var ErrMarks = errors.New("the marks do not fit the submission")

// MarksError says what is wrong with the marks of a return.
type MarksError struct{ Problem string }

func (e *MarksError) Error() string { return ErrMarks.Error() + ": " + e.Problem }

func (e *MarksError) Unwrap() error { return ErrMarks }

// Round is one return of a response: when, what it returned, and the council's marks.
type Round struct {
	store.ReturnRound
	Submission engine.Answers
	Marks      []Mark
}

// checkMarks refuses marks on places the submission does not have, marks twice on one place, and empty
// or overlong comments.
func (s *Service) checkMarks(r *store.Response, marks []Mark) error {
	if len(marks) == 0 {
		return nil
	}
	form, err := s.FormOf(r)
	if err != nil {
		return err
	}
	sub, children, err := submissionOf(form, r)
	if err != nil {
		return err
	}
	places := map[string]bool{}
	// The professional reads the marks: none may be on a question only staff see (engine/visibility.go).
	for _, t := range form.ForPerson().Targets(sub, r.Sections, children) {
		places[t.Path] = true
	}
	seen := map[string]bool{}
	for i := range marks {
		m := &marks[i]
		m.Comment = strings.TrimSpace(m.Comment)
		switch {
		case !places[m.Path]:
			return &MarksError{fmt.Sprintf("the submission has no question or row %q", m.Path)}
		case seen[m.Path]:
			return &MarksError{fmt.Sprintf("%q is marked twice", m.Path)}
		case m.Comment == "":
			return &MarksError{fmt.Sprintf("the mark on %q has no comment", m.Path)}
		case utf8.RuneCountInString(m.Comment) > MaxMarkLength:
			return &MarksError{fmt.Sprintf("the comment on %q is longer than %d characters", m.Path, MaxMarkLength)}
		}
		seen[m.Path] = true
	}
	return nil
}

// submissionOf is a response's submission and the children its case data names.
func submissionOf(form *engine.Form, r *store.Response) (engine.Answers, []engine.Child, error) {
	var sub engine.Answers
	if len(r.Submission) > 0 {
		if err := json.Unmarshal(r.Submission, &sub); err != nil {
			return sub, nil, fmt.Errorf("submission of %s: %w", r.ID, err)
		}
	}
	var caseData any
	if err := json.Unmarshal(r.CaseData, &caseData); err != nil {
		return sub, nil, fmt.Errorf("case data of %s: %w", r.ID, err)
	}
	return sub, form.Children(caseData), nil
}

// addRound keeps the round of a return in its transaction.
func (s *Service) addRound(ctx context.Context, tx store.Data, openID string, returned json.RawMessage, marks []Mark) error {
	if marks == nil {
		marks = []Mark{}
	}
	b, err := json.Marshal(marks)
	if err != nil {
		return fmt.Errorf("marks: %w", err)
	}
	return tx.AddReturnRound(ctx, &store.ReturnRound{ResponseID: openID, ReturnedAt: s.now(), Previous: returned, Marks: b})
}

// LatestRound is the last return of a response (the delegation, or a referral's reopened copy), or nil
// when it was never returned.
func (s *Service) LatestRound(ctx context.Context, r *store.Response) (*Round, error) {
	list, err := s.st.ReturnRoundsOf(ctx, r.ID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	rd := &Round{ReturnRound: list[len(list)-1]}
	if len(rd.Previous) > 0 {
		if err := json.Unmarshal(rd.Previous, &rd.Submission); err != nil {
			return nil, fmt.Errorf("round %d of %s: %w", rd.ID, r.ID, err)
		}
	}
	if err := json.Unmarshal(rd.ReturnRound.Marks, &rd.Marks); err != nil {
		return nil, fmt.Errorf("round %d of %s marks: %w", rd.ID, r.ID, err)
	}
	return rd, nil
}

// OpenMarks are the council's comments a response open for changes after a return shows its author, by
// path; none once it is submitted again.
func (s *Service) OpenMarks(ctx context.Context, r *store.Response) (map[string]string, error) {
	if r.Status != store.StatusReturned {
		return nil, nil
	}
	rd, err := s.LatestRound(ctx, r)
	if err != nil || rd == nil {
		return nil, err
	}
	out := map[string]string{}
	for _, m := range rd.Marks {
		out[m.Path] = m.Comment
	}
	return out, nil
}

// Resubmitted is what changed in a response submitted again after a return, since the submission
// returned, with the marks the council made on it; nil when it is not a resubmission.
type Resubmitted struct {
	Round   *Round
	Changes []engine.Change
}

// ChangesSinceReturn compares a submitted response's submission with the one its last return sent back.
func (s *Service) ChangesSinceReturn(ctx context.Context, r *store.Response) (*Resubmitted, error) {
	if r.Status != store.StatusSubmitted || len(r.Submission) == 0 {
		return nil, nil
	}
	rd, err := s.LatestRound(ctx, r)
	if err != nil || rd == nil || r.SubmittedAt.Before(rd.ReturnedAt) {
		return nil, err
	}
	form, err := s.FormOf(r)
	if err != nil {
		return nil, err
	}
	sub, children, err := submissionOf(form, r)
	if err != nil {
		return nil, err
	}
	return &Resubmitted{Round: rd, Changes: form.Diff(rd.Submission, sub, r.Sections, children)}, nil
}
