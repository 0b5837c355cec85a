package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"formportal/engine"
	"formportal/store"
)

// StaffAnswer is staff answering the questions of a response's form only staff see (engine visibleTo):
// a manager's decision, given while the professional works on it or after it is submitted.
const StaffAnswer Action = "staff answers saved"

// StaffAnswerable are the questions of a form staff answer in the console: the staff-only questions
// outside repeated sections (per child, or for a list's items: answered for each, which one page of
// answers cannot hold) that take a typed answer (tables, lists and documents are prefilled or not
// answered there, and read-only and computed answers are worked out).
func StaffAnswerable(form *engine.Form) []*engine.Field {
	var out []*engine.Field
	for _, s := range form.Sections {
		if s.Repeats() {
			continue
		}
		for _, fd := range s.Fields {
			if fd.StaffOnly() && fd.Typed() && !fd.ReadOnly && !fd.Container() && fd.Type != engine.TypeAttachments {
				out = append(out, fd)
			}
		}
	}
	return out
}

// StaffAnswersError is staff's answers refused, with a message for each question.
type StaffAnswersError struct{ Errors []engine.FieldError }

func (e *StaffAnswersError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		msgs[i] = fe.Path + ": " + fe.Message
	}
	return "staff answers: " + strings.Join(msgs, "; ")
}

// SaveStaffAnswers keeps staff's answers to the questions StaffAnswerable gives, by id (nil for none):
// in the response's answers, and in its submission when it has been submitted, so that the case system
// reads them with the rest. Answers that do not pass the questions' checks are refused with a
// *StaffAnswersError and nothing is changed. A value for any other question is an error: the web page
// posts only these.
func (s *Service) SaveStaffAnswers(ctx context.Context, id, actor string, values map[string]any) (*store.Response, error) {
	return s.change(ctx, id, StaffAnswer, actor, func(_ store.Data, r *store.Response) (note, error) {
		form, err := s.FormOf(r)
		if err != nil {
			return note{}, err
		}
		answerable := map[string]bool{}
		for _, fd := range StaffAnswerable(form) {
			answerable[fd.ID] = true
		}
		var a engine.Answers
		if len(r.Answers) > 0 {
			if err := json.Unmarshal(r.Answers, &a); err != nil {
				return note{}, fmt.Errorf("answers of %s: %w", r.ID, err)
			}
		}
		if a.Values == nil {
			a.Values = map[string]any{}
		}
		for k, v := range values {
			if !answerable[k] {
				return note{}, fmt.Errorf("%q is not a question staff answer in %s", k, form.ID)
			}
			if v == nil {
				delete(a.Values, k)
			} else {
				a.Values[k] = v
			}
		}
		if r.Answers, err = json.Marshal(a); err != nil {
			return note{}, fmt.Errorf("encode answers: %w", err)
		}
		res, err := Validate(form, r, s.now())
		if err != nil {
			return note{}, err
		}
		var refused []engine.FieldError
		for _, fe := range res.Errors {
			if answerable[fe.Field] && fe.Child == "" {
				refused = append(refused, fe)
			}
		}
		if len(refused) > 0 {
			return note{}, &StaffAnswersError{refused}
		}
		if r.Status == store.StatusSubmitted {
			if r.Submission, err = json.Marshal(res.Submission); err != nil {
				return note{}, fmt.Errorf("encode submission: %w", err)
			}
		}
		return note{}, nil
	})
}
