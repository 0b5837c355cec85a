// Package retention decides what the portal no longer keeps and when: each form's periods (its YAML's
// retention block, or the service's defaults) for drafts, submissions, returned copies and retracted
// delegations, and the service's own periods for email bodies, codes, the audit log, the email
// records, and the API's events with their webhook deliveries. Changes to responses go through casework, one transaction each that re-checks the period on a
// fresh read and writes its audit entry; the rest are store deletions, audited by count.
package retention

import (
	"context"
	"errors"
	"fmt"
	"time"

	"formportal/casework"
	"formportal/engine"
	"formportal/forms"
	"formportal/store"
)

// Day is a retention period's unit.
const Day = 24 * time.Hour

// Actor is who the audit log says purged: no person, the retention rules.
const Actor = "retention"

// Defaults are the periods of a form that does not give its own, in days.
type Defaults struct {
	Drafts     int
	DraftsFrom string // engine.RetainFromLastSave or engine.RetainFromStart
	Submitted  int
	Returned   int
	Retracted  int
	Anonymise  bool
}

// Config is the service's retention, in days.
type Config struct {
	Forms Defaults
	// MailBodies: the text of an email (sign-in codes among them) is cleared this long after it was sent
	// or given up on; who was sent which subject when stays until Audit.
	MailBodies int
	// Codes: an emailed code is deleted this long after it expired (kept a while, so that typing it late
	// says it expired rather than that it is wrong).
	Codes int
	// Audit: the audit log's entries, and the records of emails, are deleted this long after they were
	// made.
	Audit int
	// Events: the API's events, and their webhook deliveries, are deleted this long after they happened
	// and were delivered (or failed and were not resent); the event feed holds the events of this period.
	Events int
}

// DefaultConfig is the seeds' retention: forms kept 30 days, email text a week, codes a day after they
// expire, the API's events 90 days, and the audit log six years.
func DefaultConfig() Config {
	return Config{
		Forms:      Defaults{Drafts: 30, DraftsFrom: engine.RetainFromLastSave, Submitted: 30, Returned: 30, Retracted: 30},
		MailBodies: 7, Codes: 1, Audit: 6 * 365, Events: 90,
	}
}

// Check reports a period that is not a whole number of days, 1 or more.
func (c Config) Check() error {
	for name, days := range map[string]int{"drafts": c.Forms.Drafts, "submitted": c.Forms.Submitted, "returned": c.Forms.Returned,
		"retracted": c.Forms.Retracted, "mail bodies": c.MailBodies, "codes": c.Codes, "audit": c.Audit, "events": c.Events} {
		if days < 1 {
			return fmt.Errorf("retention of %s: %d days; give 1 or more", name, days)
		}
	}
	if c.Forms.DraftsFrom != engine.RetainFromLastSave && c.Forms.DraftsFrom != engine.RetainFromStart {
		return fmt.Errorf("retention of drafts from %q: give %s or %s", c.Forms.DraftsFrom, engine.RetainFromLastSave, engine.RetainFromStart)
	}
	return nil
}

// Policy is one form's periods, its own or the defaults.
type Policy struct {
	Drafts, Submitted, Returned, Retracted time.Duration
	DraftsFromStart                        bool
	Anonymise                              bool
}

// DraftEnds is when a draft's period ends: it is deleted once that has passed.
func (p Policy) DraftEnds(r *store.Response) time.Time {
	if p.DraftsFromStart {
		return r.CreatedAt.Add(p.Drafts)
	}
	return r.UpdatedAt.Add(p.Drafts)
}

// PolicyOf is a form's periods.
func (c Config) PolicyOf(f *engine.Form) Policy {
	d := c.Forms
	p := Policy{Anonymise: d.Anonymise, DraftsFromStart: d.DraftsFrom == engine.RetainFromStart}
	days := func(own *int, def int) time.Duration {
		if own != nil {
			return time.Duration(*own) * Day
		}
		return time.Duration(def) * Day
	}
	var r engine.Retention
	if f.Retention != nil {
		r = *f.Retention
		if r.Anonymise {
			p.Anonymise = true
		}
		if r.DraftsFrom != "" {
			p.DraftsFromStart = r.DraftsFrom == engine.RetainFromStart
		}
	}
	p.Drafts, p.Submitted, p.Returned, p.Retracted = days(r.Drafts, d.Drafts), days(r.Submitted, d.Submitted), days(r.Returned, d.Returned), days(r.Retracted, d.Retracted)
	return p
}

// Purger applies the retention rules.
type Purger struct {
	st    store.Store
	forms *forms.Library
	work  *casework.Service
	cfg   Config
	now   func() time.Time
}

// New returns a purger; now is the clock (time.Now when nil).
func New(st store.Store, library *forms.Library, work *casework.Service, cfg Config, now func() time.Time) *Purger {
	if now == nil {
		now = time.Now
	}
	return &Purger{st: st, forms: library, work: work, cfg: cfg, now: now}
}

// Config is the purger's retention.
func (p *Purger) Config() Config { return p.cfg }

// Report counts what one pass removed.
type Report struct {
	Deleted, Anonymised            int // responses
	MailBodies, Mail, Codes, Audit int
	Deliveries, Events             int // webhook deliveries, and API events
}

// rule is one of a form's periods: the responses it selects, and the check, on a fresh read, that one is
// still due.
type rule struct {
	filter    store.ResponseFilter
	due       func(*store.Response) bool
	anonymise bool
	reason    string
}

func (p *Purger) rules(f *engine.Form, now time.Time) []rule {
	pol := p.cfg.PolicyOf(f)
	days := func(d time.Duration) int { return int(d / Day) }
	in := func(r *store.Response, statuses ...store.Status) bool {
		for _, s := range statuses {
			if r.Status == s {
				return true
			}
		}
		return false
	}
	draftCut := now.Add(-pol.Drafts)
	drafts := rule{filter: store.ResponseFilter{Statuses: []store.Status{store.StatusDraft}, UpdatedBefore: draftCut},
		due:    func(r *store.Response) bool { return in(r, store.StatusDraft) && pol.DraftEnds(r).Before(now) },
		reason: fmt.Sprintf("not saved for %d days", days(pol.Drafts))}
	if pol.DraftsFromStart {
		drafts.filter = store.ResponseFilter{Statuses: []store.Status{store.StatusDraft}, CreatedBefore: draftCut}
		drafts.reason = fmt.Sprintf("started more than %d days ago", days(pol.Drafts))
	}
	returnedCut, submittedCut, retractedCut := now.Add(-pol.Returned), now.Add(-pol.Submitted), now.Add(-pol.Retracted)
	done := []store.Status{store.StatusSubmitted, store.StatusSuperseded}
	return []rule{
		drafts,
		{filter: store.ResponseFilter{Statuses: []store.Status{store.StatusReturned}, UpdatedBefore: returnedCut},
			due:    func(r *store.Response) bool { return in(r, store.StatusReturned) && r.UpdatedAt.Before(returnedCut) },
			reason: fmt.Sprintf("returned and not sent again for %d days", days(pol.Returned))},
		{filter: store.ResponseFilter{Statuses: done, FetchedBefore: submittedCut, NotAnonymised: true}, anonymise: pol.Anonymise,
			due: func(r *store.Response) bool {
				return in(r, done...) && r.AnonymisedAt.IsZero() && !r.FetchedAt.IsZero() && !r.FetchedAt.Before(r.SubmittedAt) && r.FetchedAt.Before(submittedCut)
			},
			reason: fmt.Sprintf("fetched by the case system more than %d days ago", days(pol.Submitted))},
		{filter: store.ResponseFilter{Kind: store.KindDelegation, Statuses: []store.Status{store.StatusRetracted}, UpdatedBefore: retractedCut, NotAnonymised: true},
			anonymise: pol.Anonymise,
			due: func(r *store.Response) bool {
				return in(r, store.StatusRetracted) && r.AnonymisedAt.IsZero() && r.UpdatedAt.Before(retractedCut)
			},
			reason: fmt.Sprintf("retracted more than %d days ago", days(pol.Retracted))},
	}
}

// batch is how many responses one query takes.
const batch = 200

// Run applies every period once, as of now. It is safe in several portal processes at once: each
// response is re-checked in its own transaction, and the rest are idempotent deletes.
func (p *Purger) Run(ctx context.Context) (Report, error) {
	var rep Report
	now := p.now()
	for _, f := range p.forms.All() {
		for _, r := range p.rules(f, now) {
			if err := p.apply(ctx, f, r, &rep); err != nil {
				return rep, err
			}
		}
	}
	var err error
	steps := []struct {
		n      *int
		do     func(context.Context, time.Time) (int, error)
		days   int
		detail string
	}{
		{&rep.MailBodies, p.st.ClearMailBodiesBefore, p.cfg.MailBodies, "texts of emails sent more than %d days ago cleared"},
		{&rep.Mail, p.st.DeleteMailBefore, p.cfg.Audit, "records of emails sent more than %d days ago deleted"},
		{&rep.Codes, p.st.DeleteCodesExpiredBefore, p.cfg.Codes, "codes expired more than %d days ago deleted"},
		{&rep.Audit, p.st.DeleteAuditBefore, p.cfg.Audit, "audit entries older than %d days deleted"},
		// The deliveries first: an event is kept while a delivery of it is.
		{&rep.Deliveries, p.st.DeleteWebhookDeliveriesBefore, p.cfg.Events, "webhook deliveries delivered or failed more than %d days ago deleted"},
		{&rep.Events, p.st.DeleteAPIEventsBefore, p.cfg.Events, "API events older than %d days deleted"},
	}
	for _, s := range steps {
		if *s.n, err = s.do(ctx, now.Add(-time.Duration(s.days)*Day)); err != nil {
			return rep, fmt.Errorf("retention: %w", err)
		}
		if *s.n > 0 {
			detail := fmt.Sprintf("%d "+s.detail, *s.n, s.days)
			if err := p.st.Audit(ctx, store.AuditEntry{At: now, Actor: Actor, Action: string(casework.Purge), Detail: detail}); err != nil {
				return rep, fmt.Errorf("retention: %w", err)
			}
		}
	}
	return rep, nil
}

// apply removes or anonymises, one transaction each, the responses of a form a rule selects.
func (p *Purger) apply(ctx context.Context, f *engine.Form, r rule, rep *Report) error {
	r.filter.FormID, r.filter.Limit = f.ID, batch
	for {
		list, err := p.st.ListResponses(ctx, r.filter)
		if err != nil {
			return fmt.Errorf("retention of %s: %w", f.ID, err)
		}
		done := 0
		for _, resp := range list {
			if r.anonymise {
				err = p.work.AnonymiseExpired(ctx, resp.ID, Actor, r.reason, r.due)
			} else {
				err = p.work.Expire(ctx, resp.ID, Actor, r.reason, r.due)
			}
			switch {
			case errors.Is(err, casework.ErrNotDue), errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrStale):
				continue // changed or gone since it was listed, or saved while it was being purged
			case err != nil:
				return fmt.Errorf("retention of %s: %w", f.ID, err)
			}
			done++
			if r.anonymise {
				rep.Anonymised++
			} else {
				rep.Deleted++
			}
		}
		if len(list) < batch || done == 0 {
			return nil
		}
	}
}
