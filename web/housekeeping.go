package web

import (
	"context"
	"time"

	"formportal/api"
	"formportal/store"
)

// RunHousekeeping removes expired sessions, codes and pending registrations, and drafts older than 30
// days, every minute, and documents no answer lists every few hours, until ctx ends. It is safe to run in
// several portal processes at once: each pass is idempotent deletes.
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
	// Expired codes are kept a day, so that typing one late says it expired.
	if _, err := a.store.DeleteCodesExpiredBefore(ctx, now.Add(-anonymousIdle)); err != nil {
		a.log.Error("housekeeping: expired codes", "err", err)
		return
	}
	n, err = a.store.DeleteResponsesBefore(ctx, store.KindReferral, store.StatusDraft, now.Add(-draftLifetime))
	if err != nil {
		a.log.Error("housekeeping: old drafts", "err", err)
		return
	}
	if n > 0 {
		a.log.Info("housekeeping: drafts older than 30 days deleted", "count", n)
	}
	if _, err := a.store.DeleteIdempotentAnswersBefore(ctx, now.Add(-api.IdempotencyLifetime)); err != nil {
		a.log.Error("housekeeping: old idempotent answers", "err", err)
		return
	}
	if now.Sub(a.lastDocumentPurge) >= documentPurgeEvery {
		a.lastDocumentPurge = now
		n, err := a.work.PurgeUnlistedDocuments(ctx)
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
