// Package wakeloop runs a background pass at an interval and whenever it is woken: the shape of the
// mail outbox's sender and the webhook sender, which both poll the store for work other processes may
// have queued and are woken by this process's own changes.
package wakeloop

import (
	"context"
	"time"
)

// Loop is a pass run at once, then every interval and on Wake, until its context ends. The zero Loop is
// not usable: make one with New.
type Loop struct {
	wake chan struct{}
}

// New makes a Loop.
func New() *Loop { return &Loop{wake: make(chan struct{}, 1)} }

// Wake makes a running loop run its pass now rather than at its next interval. It never blocks; wakes
// while a pass runs fold into one more pass.
func (l *Loop) Wake() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Run runs pass at once, then again every interval after the previous pass ended, or on Wake, until ctx
// is done.
func (l *Loop) Run(ctx context.Context, interval time.Duration, pass func(context.Context)) {
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		pass(ctx)
		timer.Reset(interval)
		select {
		case <-ctx.Done():
			return
		case <-l.wake:
		case <-timer.C:
		}
	}
}
