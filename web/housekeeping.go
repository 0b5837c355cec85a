package web

import (
	"context"
	"time"

	"formportal/api"
	"formportal/retention"
)

// RunHousekeeping removes expired sessions and pending registrations, and applies the retention periods
// (drafts, submissions, returned copies, retracted delegations, email texts, codes, the audit log, the
// API's events and webhook deliveries), every minute, and documents no answer lists every few hours,
// until ctx ends. It is safe to run in several portal processes at once: each pass is idempotent
// deletes, and retention re-checks each response in its own transaction.
func (a *App) RunHousekeeping(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		a.Housekeep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Housekeep runs one pass.
func (a *App) Housekeep(ctx context.Context) {
	now := a.now()
	n, err := a.store.DeleteExpiredSessions(ctx, now.Add(-a.cfg.IdleTimeout), now.Add(-anonymousIdle), now.Add(-a.cfg.SessionLifetime))
	if err != nil {
		a.log.Error("housekeeping: expired sessions", "err", err)
		return
	}
	if n > 0 {
		a.log.Info("housekeeping: expired sessions removed", "count", n)
	}
	// A registration's session lasts anonymousIdle without use, so its pending registration is of no use after it.
	n, err = a.store.DeletePendingRegistrationsBefore(ctx, now.Add(-anonymousIdle))
	if err != nil {
		a.log.Error("housekeeping: old pending registrations", "err", err)
		return
	}
	if n > 0 {
		a.log.Info("housekeeping: pending registrations never verified deleted", "count", n)
	}
	rep, err := a.retention().Run(ctx)
	if err != nil {
		a.log.Error("housekeeping: retention", "err", err)
		return
	}
	if rep != (retention.Report{}) {
		a.log.Info("housekeeping: retention periods ended", "deleted", rep.Deleted, "anonymised", rep.Anonymised, "mail_texts", rep.MailBodies,
			"mail_records", rep.Mail, "codes", rep.Codes, "audit_entries", rep.Audit, "webhook_deliveries", rep.Deliveries, "api_events", rep.Events)
	}
	if _, err := a.store.DeleteIdempotentAnswersBefore(ctx, now.Add(-api.IdempotencyLifetime)); err != nil {
		a.log.Error("housekeeping: old idempotent answers", "err", err)
		return
	}
	if now.Sub(a.lastDocumentPurge) >= documentPurgeEvery {
		a.lastDocumentPurge = now
		n, err := a.work.PurgeUnlistedDocuments(ctx, retention.Actor)
		if err != nil {
			a.log.Error("housekeeping: unlisted documents", "err", err)
			return
		}
		if n > 0 {
			a.log.Info("housekeeping: documents no answer lists deleted", "count", n)
		}
	}
}

// documentPurgeEvery is how often housekeeping looks for documents no answer lists: it reads every
// response, so not every minute.
const documentPurgeEvery = 6 * time.Hour
