package casework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"formportal/store"
)

// MaxAgencies is how many professionals one request may go to: a family's agencies, with room to spare.
const MaxAgencies = 20

// Contribution is what one agency is asked for in a multi-agency request: by whom, by when, and the
// council's comments for them.
type Contribution struct {
	To       Professional
	DueDate  string // YYYY-MM-DD or ""
	Comments string
}

// MultiAgency is a new request: one form, or the same delegable sections of it, for one family, to
// several professionals at once.
type MultiAgency struct {
	Form     string
	Sections []string // empty means the whole form
	CaseData json.RawMessage
	To       []Contribution
	// Reminders is the request's reminder schedule, days before each delegation's due date, given to every
	// delegation of the request; nil means the form's (reminders.go).
	Reminders []int
}

// ErrRequest is wrapped by the errors of a request that cannot be sent as asked (no professional, too
// many, or one twice); nothing is changed.
var ErrRequest = errors.New("the request cannot be sent")

type withinRequestKey struct{}

// WithinRequest makes fn part of the transaction of the SendRequest made with the returned context: it
// runs after the request and its delegations are written, and they commit only when fn returns nil.
func WithinRequest(ctx context.Context, fn func(tx store.Data, q *store.Request, delegations []*store.Response) error) context.Context {
	return context.WithValue(ctx, withinRequestKey{}, fn)
}

// SendRequest sends a request: the request, and for each professional a delegation of its own (own due
// date and comments) with its first event, audit entry and email, all in one transaction. Each
// delegation is a delegation like any other: its professional sees and edits it alone.
func (s *Service) SendRequest(ctx context.Context, actor string, m MultiAgency) (*store.Request, []*store.Response, error) {
	if len(m.To) == 0 {
		return nil, nil, fmt.Errorf("send request: %w: no professional to send it to", ErrRequest)
	}
	if len(m.To) > MaxAgencies {
		return nil, nil, fmt.Errorf("send request: %w: %d professionals, at most %d", ErrRequest, len(m.To), MaxAgencies)
	}
	seen := map[string]bool{}
	var members []*store.Response
	for _, c := range m.To {
		r, err := s.newDelegation(Delegation{Form: m.Form, Sections: m.Sections, To: c.To, CaseData: m.CaseData, DueDate: c.DueDate, Comments: c.Comments, Reminders: m.Reminders})
		if err != nil {
			return nil, nil, fmt.Errorf("send request: %w", err)
		}
		if seen[r.OwnerEmail] {
			return nil, nil, fmt.Errorf("send request: %w: %s is asked twice", ErrRequest, r.OwnerEmail)
		}
		seen[r.OwnerEmail] = true
		members = append(members, r)
	}
	q := &store.Request{ID: store.NewID(), FormID: members[0].FormID, FormVersion: members[0].FormVersion, Sections: m.Sections,
		CreatedBy: actor, CreatedAt: s.now()}
	err := s.st.InTx(ctx, func(tx store.Data) error {
		if err := tx.CreateRequest(ctx, q); err != nil {
			return err
		}
		for _, r := range members {
			if err := s.sendDelegation(ctx, tx, actor, r, m.Reminders); err != nil {
				return err
			}
			if err := tx.AddToRequest(ctx, q.ID, r.ID); err != nil {
				return err
			}
		}
		if err := tx.Audit(ctx, store.AuditEntry{At: s.now(), Actor: actor, Action: "sent request", Target: q.ID,
			Detail: fmt.Sprintf("%s to %d professionals: %s", q.FormID, len(members), strings.Join(owners(members), ", "))}); err != nil {
			return err
		}
		if fn, ok := ctx.Value(withinRequestKey{}).(func(store.Data, *store.Request, []*store.Response) error); ok {
			return fn(tx, q, members)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("send request %s: %w", m.Form, err)
	}
	s.mail.Wake()
	return q, members, nil
}

func owners(list []*store.Response) []string {
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = r.OwnerEmail
	}
	return out
}

// Undeliverable reports whether the latest email to the professional could not be delivered.
func (p AgencyProgress) Undeliverable() bool {
	return p.Mail != nil && p.Mail.Status() == store.MailUndeliverable
}

// AgencyProgress is where one agency's contribution to a request stands, as the council follows it.
type AgencyProgress struct {
	Delegation *store.Response
	Mail       *store.Mail      // the latest email about it (to its professional), if any
	Reassigned bool             // passed to another professional since it was sent
	AutoReply  *store.AutoReply // the professional's automatic reply in force, if any
}

// RequestProgress reads a request and where each of its delegations stands, in the order they were made.
func (s *Service) RequestProgress(ctx context.Context, id string) (*store.Request, []AgencyProgress, error) {
	q, err := s.st.Request(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	members, err := s.st.RequestResponses(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("request %s: %w", id, err)
	}
	progress, err := s.Progress(ctx, s.st, members)
	if err != nil {
		return nil, nil, fmt.Errorf("request %s: %w", id, err)
	}
	return q, progress, nil
}

// Progress is where each of a request's delegations stands, read from d (the store, or the transaction
// that sent them).
func (s *Service) Progress(ctx context.Context, d store.Data, members []*store.Response) ([]AgencyProgress, error) {
	out := make([]AgencyProgress, len(members))
	for i, r := range members {
		p := AgencyProgress{Delegation: r}
		var err error
		if p.Mail, err = LatestMail(ctx, d, r.ID); err != nil {
			return nil, err
		}
		events, err := d.Events(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			p.Reassigned = p.Reassigned || e.Kind == string(Reassign)
		}
		if p.AutoReply, err = s.AutoReplyFor(ctx, r.OwnerEmail); err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}
