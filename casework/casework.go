// Package casework is the life of delegations and referrals: which changes are allowed in which status,
// and each change as one store transaction that writes the response, its history event, the audit entry
// and any email together, so a crash leaves every operation whole or not done at all. The HTML portals,
// the staff console, the back-office API and the demo data all change responses through it and nothing else.
package casework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"formportal/apievents"
	"formportal/engine"
	"formportal/forms"
	"formportal/i18n"
	"formportal/store"
)

// Action is a change in a response's life.
type Action string

// The actions, named as their history events are.
const (
	Create   Action = "created"
	Open     Action = "opened"
	Save     Action = "saved"
	Submit   Action = "submitted"
	Retract  Action = "retracted"
	Reassign Action = "reassigned"
	Return   Action = "returned"
	Migrate  Action = "migrated" // moved to a later, compatible version of its form
)

// open are the statuses in which the person the response was sent to can still work on it.
var open = []store.Status{store.StatusDraft, store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned}

// transitions says, for each action, which kinds of response it applies to and from which statuses.
var transitions = map[Action]struct {
	kinds []store.Kind
	from  []store.Status
}{
	Open:     {[]store.Kind{store.KindDelegation}, []store.Status{store.StatusSent}},
	Save:     {[]store.Kind{store.KindDelegation, store.KindReferral}, open},
	Submit:   {[]store.Kind{store.KindDelegation, store.KindReferral}, open},
	Retract:  {[]store.Kind{store.KindDelegation}, []store.Status{store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned}},
	Reassign: {[]store.Kind{store.KindDelegation}, []store.Status{store.StatusSent, store.StatusOpened, store.StatusInProgress, store.StatusReturned}},
	Return:   {[]store.Kind{store.KindDelegation, store.KindReferral}, []store.Status{store.StatusSubmitted}},
	Migrate:  {[]store.Kind{store.KindDelegation, store.KindReferral}, open},
	// Staff answer their own questions (staffanswers.go) once the response has reached the council: a
	// delegation as soon as it is sent, a referral once it is submitted.
	StaffAnswer: {[]store.Kind{store.KindDelegation, store.KindReferral}, []store.Status{store.StatusSent, store.StatusOpened,
		store.StatusInProgress, store.StatusReturned, store.StatusSubmitted}},
}

// Allowed reports whether an action may happen to a response of this kind in this status.
func Allowed(a Action, kind store.Kind, status store.Status) bool {
	t, ok := transitions[a]
	return ok && slices.Contains(t.kinds, kind) && slices.Contains(t.from, status)
}

// ErrNotAllowed is wrapped by the errors of changes the response's status does not allow.
var ErrNotAllowed = errors.New("not allowed in this status")

// ErrInvalid is returned by Submit when answers are missing or wrong; nothing is changed.
var ErrInvalid = errors.New("the answers are not complete")

// NotAllowedError says which change a response's status refused.
type NotAllowedError struct {
	Action Action
	Kind   store.Kind
	Status store.Status
}

func (e *NotAllowedError) Error() string {
	verb := map[Action]string{Open: "opened", Save: "changed", Submit: "submitted", Retract: "retracted", Reassign: "re-assigned", Return: "returned", StaffAnswer: "answered by staff"}[e.Action]
	return fmt.Sprintf("a %s %s cannot be %s", e.Status, e.Kind, verb)
}

func (e *NotAllowedError) Unwrap() error { return ErrNotAllowed }

// Waker is told, after a change commits, that it has something to send: the email sender through
// mail.Outbox, the webhook sender (webhook.Sender).
type Waker interface {
	Wake()
}

// Mailer queues email inside a transaction and wakes the sender after it commits (mail.Outbox).
type Mailer interface {
	Queue(ctx context.Context, into store.Outbox, m *store.Mail) error
	Waker
}

// Texts are the council's names and address, for emails.
type Texts struct {
	Council string
	Service string
	BaseURL string // no trailing slash
}

// Signature ends every email the portal sends.
func (t Texts) Signature() string { return t.SignatureIn(i18n.English) }

// SignatureIn is the signature in l.
func (t Texts) SignatureIn(l i18n.Lang) string { return t.signOff(l, "mail.signature") }

// thanksIn is the signature of a thank-you in l: "Many Thanks" where others have "Yours sincerely", so
// the referral's confirmation does not sign off twice.
func (t Texts) thanksIn(l i18n.Lang) string { return t.signOff(l, "mail.signature_thanks") }

func (t Texts) signOff(l i18n.Lang, key string) string {
	return i18n.In(l, key, "Council", t.Council, "Service", t.Service)
}

// Service changes responses.
type Service struct {
	st    store.Store
	forms *forms.Library
	mail  Mailer
	hooks Waker // woken after a change that told the case system of an event commits; none when nil
	texts Texts
	now   func() time.Time
}

// New returns the service. now is the clock (time.Now when nil).
func New(st store.Store, library *forms.Library, mail Mailer, texts Texts, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, forms: library, mail: mail, texts: texts, now: now}
}

// WakeWebhooks makes the service wake w (webhook.Sender) after each change that records an event for
// the case system commits, so its deliveries go at once rather than at the sender's next look. It is
// set before the service is used.
func (s *Service) WakeWebhooks(w Waker) { s.hooks = w }

// told wakes the webhook sender after a change that recorded an event committed.
func (s *Service) told() {
	if s.hooks != nil {
		s.hooks.Wake()
	}
}

// At is the service with a fixed clock: demo data dated in the past.
func (s *Service) At(t time.Time) *Service {
	c := *s
	c.now = func() time.Time { return t }
	return &c
}

// note is what an operation says about itself for the history and the audit log.
type note struct {
	detail string
	event  Action          // the history event when it is not the action's own name (resubmitted)
	quiet  bool            // no history event or audit entry: a draft saved
	result *store.Response // what the operation answers with, when not the changed response (Within)
	tell   string          // the API event the change is, if any (apievents)
}

// change is one operation: inside a transaction it reads the response fresh, checks the action is allowed,
// lets apply change it, and writes it with its event and audit entry. apply may queue mail on the
// transaction. A write that lost a race with another (ErrStale) is tried again on a fresh read.
func (s *Service) change(ctx context.Context, id string, action Action, actor string, apply func(tx store.Data, r *store.Response) (note, error)) (*store.Response, error) {
	return s.changeHolding(ctx, id, 0, action, actor, apply)
}

// changeHolding is change for a caller holding the answers of version held: apply gets the response
// without them (nil) while that is the version stored.
func (s *Service) changeHolding(ctx context.Context, id string, held int, action Action, actor string, apply func(tx store.Data, r *store.Response) (note, error)) (*store.Response, error) {
	var out *store.Response
	var err error
	told := false
	for attempt := 0; attempt < 5; attempt++ {
		err = s.st.InTx(ctx, func(tx store.Data) error {
			told = false
			r, err := tx.ResponseHolding(ctx, id, held)
			if err != nil {
				return err
			}
			if err := checkVersion(ctx, r); err != nil {
				return err
			}
			if !Allowed(action, r.Kind, r.Status) {
				return &NotAllowedError{Action: action, Kind: r.Kind, Status: r.Status}
			}
			n, err := apply(tx, r)
			if err != nil {
				return err
			}
			r.UpdatedAt = s.now()
			if slices.Contains(reschedules, action) { // reminders.go
				if err := s.scheduleReminders(ctx, tx, r); err != nil {
					return err
				}
			}
			event := action
			if n.event != "" {
				event = n.event
			}
			var ev *store.Event
			if !n.quiet {
				ev = s.event(r.ID, event, actor, n.detail)
			}
			if err := tx.UpdateResponse(ctx, r, ev); err != nil {
				return err
			}
			if !n.quiet {
				if err := s.audit(ctx, tx, actor, event, r, n.detail); err != nil {
					return err
				}
			}
			if n.tell != "" {
				if err := apievents.Record(ctx, tx, n.tell, r, r.UpdatedAt); err != nil {
					return err
				}
				told = true
			}
			out = r
			if n.result != nil {
				return within(ctx, tx, n.result)
			}
			return within(ctx, tx, r)
		})
		if !errors.Is(err, store.ErrStale) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", action, id, err)
	}
	s.mail.Wake()
	if told {
		s.told()
	}
	return out, nil
}

func (s *Service) event(respID string, action Action, actor, detail string) *store.Event {
	return &store.Event{ID: store.NewID(), ResponseID: respID, At: s.now(), Kind: string(action), Actor: actor, Detail: detail}
}

// audit records a change of a child's record. Details name people and reasons, never a child.
func (s *Service) audit(ctx context.Context, tx store.Data, actor string, action Action, r *store.Response, detail string) error {
	d := string(r.Kind) + " " + r.FormID
	if detail != "" {
		d += ": " + detail
	}
	return tx.Audit(ctx, store.AuditEntry{At: s.now(), Actor: actor, Action: string(action), Target: r.ID, Detail: d})
}

// Professional is who a delegation is sent to.
type Professional struct {
	Email        string
	Name         string
	Organisation string
}

// Delegation is a new request to a professional.
type Delegation struct {
	Form     string
	Sections []string // empty means the whole form
	To       Professional
	CaseData json.RawMessage
	DueDate  string // YYYY-MM-DD or ""
	Comments string
	// Reminders is the delegation's own reminder schedule, days before the due date (reminders.go); nil
	// follows the form's, empty sends none.
	Reminders []int
}

// Delegate sends sections of a form to a professional: the response, prefilled from the case data, its
// first event, the audit entry and the email, together.
func (s *Service) Delegate(ctx context.Context, actor string, d Delegation) (*store.Response, error) {
	r, err := s.newDelegation(d)
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(tx store.Data) error {
		if err := s.sendDelegation(ctx, tx, actor, r, d.Reminders); err != nil {
			return err
		}
		return within(ctx, tx, r)
	})
	if err != nil {
		return nil, fmt.Errorf("delegate %s: %w", d.Form, err)
	}
	s.mail.Wake()
	return r, nil
}

// newDelegation checks a delegation against its form and makes its response, prefilled from the case data.
func (s *Service) newDelegation(d Delegation) (*store.Response, error) {
	form := s.forms.Get(d.Form)
	if form == nil || form.Kind != engine.KindDelegation {
		return nil, fmt.Errorf("delegate: form %q is not a delegable form", d.Form)
	}
	for _, id := range d.Sections {
		if sec := form.Section(id); sec == nil || !sec.Delegable {
			return nil, fmt.Errorf("delegate: form %q has no delegable section %q", d.Form, id)
		}
	}
	if msg := CheckReminderDays(d.Reminders); msg != "" {
		return nil, fmt.Errorf("delegate %s: reminders: %s", d.Form, msg)
	}
	draft, err := prefill(form, d.CaseData)
	if err != nil {
		return nil, fmt.Errorf("delegate %s: %w", d.Form, err)
	}
	now := s.now()
	return &store.Response{ID: store.NewID(), Kind: store.KindDelegation, FormID: form.ID, FormVersion: form.Version, Sections: d.Sections,
		OwnerEmail: strings.ToLower(strings.TrimSpace(d.To.Email)), OwnerName: strings.TrimSpace(d.To.Name), OwnerOrg: strings.TrimSpace(d.To.Organisation),
		CaseData: d.CaseData, Answers: draft, Status: store.StatusSent, DueDate: d.DueDate, Comments: strings.TrimSpace(d.Comments),
		CreatedAt: now, UpdatedAt: now}, nil
}

// sendDelegation writes a new delegation inside tx: the response with its first event, the audit entry,
// the email to its professional and its reminders (its own schedule when reminders is not nil, else its
// form's: reminders.go).
func (s *Service) sendDelegation(ctx context.Context, tx store.Data, actor string, r *store.Response, reminders []int) error {
	detail := "sent to " + r.OwnerEmail
	if err := tx.CreateResponse(ctx, r, s.event(r.ID, Create, actor, detail)); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, actor, "delegated", r, detail); err != nil {
		return err
	}
	if err := s.mail.Queue(ctx, tx, s.delegationEmail(ctx, tx, r)); err != nil {
		return err
	}
	if reminders != nil {
		if err := tx.SetReminderDays(ctx, r.ID, reminders); err != nil {
			return err
		}
	}
	return s.scheduleReminders(ctx, tx, r)
}

// prefill is a new response's draft: the form's answers taken from the case data.
func prefill(form *engine.Form, caseData json.RawMessage) (json.RawMessage, error) {
	var data any
	if err := json.Unmarshal(caseData, &data); err != nil {
		return nil, fmt.Errorf("case data: %w", err)
	}
	if errs := form.CheckCaseData(data); len(errs) > 0 {
		return nil, fmt.Errorf("case data does not fit form %s: %v", form.ID, errs)
	}
	answers, errs := form.Prefill(data)
	if len(errs) > 0 {
		return nil, fmt.Errorf("prefill: %v", errs)
	}
	return json.Marshal(answers)
}

// Referrer is who writes a referral.
type Referrer struct {
	UserID       string
	Email        string
	Name         string
	Organisation string
	Telephone    string
	Audience     string // engine.AudienceProf or engine.AudiencePublic
}

// StartReferral opens a new draft referral of a form for the signed-in person, prefilled with their details.
func (s *Service) StartReferral(ctx context.Context, form string, by Referrer) (*store.Response, error) {
	f := s.forms.Get(form)
	if f == nil || f.Kind == engine.KindDelegation {
		return nil, fmt.Errorf("start referral: form %q is not a referral form", form)
	}
	caseData, err := json.Marshal(engine.ReferralCaseData(engine.Submitter{Type: by.Audience, Name: by.Name, Email: by.Email,
		Organisation: by.Organisation, Telephone: by.Telephone}))
	if err != nil {
		return nil, fmt.Errorf("start referral: %w", err)
	}
	draft, err := prefill(f, caseData)
	if err != nil {
		return nil, fmt.Errorf("start referral %s: %w", form, err)
	}
	now := s.now()
	r := &store.Response{ID: store.NewID(), Kind: store.KindReferral, FormID: f.ID, FormVersion: f.Version, OwnerUserID: by.UserID, OwnerEmail: by.Email,
		OwnerName: by.Name, OwnerOrg: by.Organisation, CaseData: caseData, Answers: draft, Status: store.StatusDraft, CreatedAt: now, UpdatedAt: now}
	if err := s.st.CreateResponse(ctx, r, s.event(r.ID, Create, by.Email, "")); err != nil {
		return nil, fmt.Errorf("start referral %s: %w", form, err)
	}
	return r, nil
}

// Opened marks a delegation as looked at, the first time its professional (by) opens it, and fills the
// questions about the person completing it (prefill: submitter.*) still unanswered from their account.
// It gives the delegation as changed, or nil when it already was opened.
func (s *Service) Opened(ctx context.Context, id string, by engine.Submitter) (*store.Response, error) {
	r, err := s.change(ctx, id, Open, by.Email, func(tx store.Data, r *store.Response) (note, error) {
		r.Status = store.StatusOpened
		return note{}, s.editAnswers(r, func(f *engine.Form, a *engine.Answers) bool { return f.FillSubmitter(a, by, r.Sections) })
	})
	if errors.Is(err, ErrNotAllowed) {
		return nil, nil
	}
	return r, err
}

// editAnswers changes a response's draft answers with edit, which reports whether it changed them.
func (s *Service) editAnswers(r *store.Response, edit func(*engine.Form, *engine.Answers) bool) error {
	f, err := s.FormOf(r)
	if err != nil {
		return err
	}
	var a engine.Answers
	if len(r.Answers) > 0 {
		if err := json.Unmarshal(r.Answers, &a); err != nil {
			return fmt.Errorf("answers: %w", err)
		}
	}
	if edit(f, &a) {
		if r.Answers, err = json.Marshal(a); err != nil {
			return fmt.Errorf("answers: %w", err)
		}
	}
	return nil
}

// Retract withdraws a delegation from its professional.
func (s *Service) Retract(ctx context.Context, id, actor, reason string) (*store.Response, error) {
	return s.change(ctx, id, Retract, actor, func(tx store.Data, r *store.Response) (note, error) {
		r.Status = store.StatusRetracted
		return note{detail: reason}, nil
	})
}

// Reassign passes a delegation to another professional and emails them (no child details). The work done
// so far goes with it.
func (s *Service) Reassign(ctx context.Context, id, actor string, to Professional, reason string) (*store.Response, error) {
	to.Email = strings.ToLower(strings.TrimSpace(to.Email))
	return s.change(ctx, id, Reassign, actor, func(tx store.Data, r *store.Response) (note, error) {
		n := note{detail: fmt.Sprintf("from %s to %s: %s", r.OwnerEmail, to.Email, reason)}
		if actor == r.OwnerEmail {
			n.tell = apievents.DelegationReassigned // the professional passed it on
		}
		r.OwnerEmail, r.OwnerName, r.OwnerOrg = to.Email, strings.TrimSpace(to.Name), strings.TrimSpace(to.Organisation)
		if r.Status == store.StatusOpened {
			r.Status = store.StatusSent
			// Nobody saved it: the details in it came from the first professional's account, and the next
			// one's first opening fills them from theirs.
			if err := s.editAnswers(r, func(f *engine.Form, a *engine.Answers) bool { return f.ClearSubmitter(a, r.Sections) }); err != nil {
				return n, err
			}
		}
		return n, s.mail.Queue(ctx, tx, s.delegationEmail(ctx, tx, r))
	})
}

// ReturnForInformation sends a submitted delegation or referral back to its author for more information.
// A delegation reopens as it is; a referral's submission stays as the "Previous Form" and a copy, open for
// changes and with its own copies of the documents, carries the council's reason and comment. It returns
// the response that is now open for changes. marks are the council's comments on questions and rows of
// the submission (rounds.go), shown to its author on the pages; each return keeps the submission it
// returned, so the next one shows what changed.
func (s *Service) ReturnForInformation(ctx context.Context, id, actor, reason, comment string, marks ...Mark) (*store.Response, error) {
	detail := reason
	if comment != "" {
		detail += ": " + comment
	}
	var reopened *store.Response
	_, err := s.change(ctx, id, Return, actor, func(tx store.Data, r *store.Response) (note, error) {
		n := note{detail: detail}
		if err := s.checkMarks(r, marks); err != nil { // rounds.go
			return n, err
		}
		if r.Kind == store.KindDelegation {
			r.Status, r.ReturnReason, r.ReturnComment = store.StatusReturned, reason, comment
			reopened = r
			if err := s.addRound(ctx, tx, r.ID, r.Submission, marks); err != nil {
				return n, err
			}
			return n, s.mail.Queue(ctx, tx, s.delegationReturnedEmail(ctx, tx, r, reason))
		}
		c, err := s.reopenCopy(ctx, tx, r, actor, reason, comment, detail)
		if err != nil {
			return n, err
		}
		if err := s.addRound(ctx, tx, c.ID, r.Submission, marks); err != nil {
			return n, err
		}
		r.Status = store.StatusSuperseded
		reopened, n.result = c, c
		return n, s.mail.Queue(ctx, tx, s.referralReturnedEmail(ctx, tx, r, reason))
	})
	if err != nil {
		return nil, err
	}
	return reopened, nil
}

// reopenCopy makes the open copy of a returned referral, with copies of its documents.
func (s *Service) reopenCopy(ctx context.Context, tx store.Data, r *store.Response, actor, reason, comment, detail string) (*store.Response, error) {
	now := s.now()
	c := *r
	c.ID, c.Status, c.PreviousID = store.NewID(), store.StatusReturned, r.ID
	c.ReturnReason, c.ReturnComment = reason, comment
	c.Submission, c.SubmittedAt = nil, time.Time{} // the reference stays: council and referrer know the referral by it
	c.CreatedAt, c.UpdatedAt = now, now
	answers, err := renameAttachments(r.Answers, c.ID+"-")
	if err != nil {
		return nil, err
	}
	c.Answers = answers
	if err := tx.CreateResponse(ctx, &c, s.event(c.ID, Return, actor, detail)); err != nil {
		return nil, err
	}
	if err := tx.CopyAttachments(ctx, r.ID, c.ID); err != nil {
		return nil, err
	}
	return &c, nil
}

// renameAttachments prefixes the ids of the attachments listed in answers, as CopyAttachments does to the
// copies, so a returned form's answers point at its own copies of the documents.
func renameAttachments(answers json.RawMessage, prefix string) (json.RawMessage, error) {
	var v any
	if err := json.Unmarshal(answers, &v); err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if id, ok := x["id"].(string); ok && isAttachment(x) {
				x["id"] = prefix + id
				return
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(v)
	return json.Marshal(v)
}

// isAttachment reports whether an answer value is an uploaded document's entry.
func isAttachment(m map[string]any) bool {
	_, hasKind := m["kind"]
	_, hasSize := m["size"]
	return hasKind && hasSize
}
