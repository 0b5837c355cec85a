package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"formportal/apievents"
	"formportal/internal/wakeloop"
	"formportal/store"
)

// SenderOptions tunes a Sender. Zero values take the defaults.
type SenderOptions struct {
	// Interval is how often the sender looks for due mail when not woken (5s). Retries are picked up at
	// this granularity.
	Interval time.Duration
	// Lease is how long claimed messages are hidden from other senders (1m). A sender renews the lease of
	// its batch every third of it while it works, so a slow server does not let a second sender pick up a
	// message still being sent; only the messages of a sender that died wait, and for at most a lease.
	Lease time.Duration
	// Batch is how many messages one claim takes (10).
	Batch int
	// MinBackoff is the wait after a first failure (30s); it doubles with each further failure up to
	// MaxBackoff (1h). Each wait is shortened by a random 0-20%, so messages that failed together do not
	// retry in lockstep; it never exceeds the cap.
	MinBackoff, MaxBackoff time.Duration
	// GiveUpAfter is how long after it was queued a message still failing is given up (72h): marked
	// undeliverable with its last error. A permanent refusal (5xx) gives up at once.
	GiveUpAfter time.Duration
	// Now is the clock for the store's timestamps and back-off (time.Now).
	Now func() time.Time
	// Logger receives one line per delivery and per failure, never a message body (slog.Default()).
	Logger *slog.Logger
	// Webhooks, when set, is woken after an email given up on told the case system so (webhook.Sender).
	Webhooks interface{ Wake() }
}

// Sender delivers the outbox's messages through a Transport.
type Sender struct {
	st       store.Store
	t        Transport
	from     string
	interval time.Duration
	lease    time.Duration
	batch    int
	min, max time.Duration
	giveUp   time.Duration
	now      func() time.Time
	log      *slog.Logger
	jitter   func() float64 // in [0, 1)
	hooks    interface{ Wake() }

	loop *wakeloop.Loop

	mu sync.Mutex // one pass at a time
	// delivered holds messages this sender handed over but could not record as sent (the store failed
	// after the server accepted them): they are never delivered again by this sender, only recorded.
	delivered map[int64]time.Time
}

// NewSender returns a sender of st's outbox through t, with from as every message's From header.
func NewSender(st store.Store, t Transport, from string, opts SenderOptions) *Sender {
	s := &Sender{
		st: st, t: t, from: from,
		interval: opts.Interval, lease: opts.Lease, batch: opts.Batch,
		min: opts.MinBackoff, max: opts.MaxBackoff, giveUp: opts.GiveUpAfter,
		now: opts.Now, log: opts.Logger, jitter: rand.Float64, hooks: opts.Webhooks,
		loop:      wakeloop.New(),
		delivered: map[int64]time.Time{},
	}
	if s.interval <= 0 {
		s.interval = 5 * time.Second
	}
	if s.lease <= 0 {
		s.lease = time.Minute
	}
	if s.giveUp <= 0 {
		s.giveUp = 72 * time.Hour
	}
	if s.batch <= 0 {
		s.batch = 10
	}
	if s.min <= 0 {
		s.min = 30 * time.Second
	}
	if s.max <= 0 {
		s.max = time.Hour
	}
	if s.max < s.min {
		s.max = s.min
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// Wake makes a running sender look for due mail now rather than at its next interval. It never blocks.
func (s *Sender) Wake() { s.loop.Wake() }

// Run delivers due mail until ctx is done: a pass at once, then one every Interval or on Wake.
func (s *Sender) Run(ctx context.Context) {
	s.loop.Run(ctx, s.interval, func(ctx context.Context) {
		if _, err := s.Flush(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("mail outbox pass failed", "error", err)
		}
	})
}

// Flush runs one pass: it claims and delivers due messages until none is left. It returns how many were
// delivered. A delivery failure is not an error of the pass: it is logged and recorded on the message,
// which is retried after its back-off, or given up when the refusal is permanent or the message too old.
// The error is the store's, or ctx's.
func (s *Sender) Flush(ctx context.Context) (sent int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordDelivered(ctx)
	for {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		batch, err := s.st.ClaimDueMail(ctx, s.now(), s.lease, s.batch)
		if err != nil {
			return sent, err
		}
		n, complete := s.deliver(ctx, batch)
		sent += n
		if !complete || len(batch) < s.batch {
			return sent, ctx.Err()
		}
	}
}

// deliver sends a claimed batch, renewing its lease meanwhile. It reports false when it stopped early
// (ctx done, or the lease could not be renewed) and handed the rest of the batch back.
func (s *Sender) deliver(ctx context.Context, batch []store.Mail) (sent int, complete bool) {
	if len(batch) == 0 {
		return 0, true
	}
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l := s.keepLease(ctx, batch, cancel)
	defer l.stop()
	for i, m := range batch {
		if _, ok := s.delivered[m.ID]; ok {
			l.done(m.ID)
			s.recordDelivered(ctx)
			continue
		}
		if bctx.Err() != nil {
			l.stop()
			s.release(ctx, batch[i:])
			return sent, false
		}
		err := s.t.Deliver(bctx, s.from, m)
		l.done(m.ID) // before the outcome is written, so a renewal cannot overwrite a retry time
		if err != nil {
			s.failed(ctx, m, err)
			continue
		}
		sent++
		s.sent(ctx, m)
	}
	return sent, true
}

// lease keeps a claimed batch hidden from other senders while this one works through it.
type lease struct {
	mu       sync.Mutex // held while renewing
	pending  map[int64]bool
	quit     chan struct{}
	finished chan struct{}
	once     sync.Once
}

// keepLease renews the lease of the batch's messages not yet done every third of the lease. If the store
// cannot renew it, lost is called: the sender must start no more deliveries from the batch, since another
// sender may soon claim them.
func (s *Sender) keepLease(ctx context.Context, batch []store.Mail, lost func()) *lease {
	l := &lease{pending: map[int64]bool{}, quit: make(chan struct{}), finished: make(chan struct{})}
	for _, m := range batch {
		l.pending[m.ID] = true
	}
	go func() {
		defer close(l.finished)
		tick := time.NewTicker(max(s.lease/3, time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-l.quit:
				return
			case <-tick.C:
			}
			if err := l.renew(ctx, s.st, s.now().Add(s.lease)); err != nil {
				s.log.Error("mail lease not renewed; the rest of the batch is handed back", "error", err)
				lost()
				return
			}
		}
	}()
	return l
}

func (l *lease) renew(ctx context.Context, st store.Store, until time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	ids := make([]int64, 0, len(l.pending))
	for id := range l.pending {
		ids = append(ids, id)
	}
	wctx, cancel := writeCtx(ctx)
	defer cancel()
	return st.RenewMailLease(wctx, ids, until)
}

// done takes a message out of the renewals, waiting for one under way.
func (l *lease) done(id int64) {
	l.mu.Lock()
	delete(l.pending, id)
	l.mu.Unlock()
}

// stop ends the renewals and waits until none is under way.
func (l *lease) stop() {
	l.once.Do(func() { close(l.quit) })
	<-l.finished
}

// writeCtx is for recording an outcome: it survives ctx's cancellation (at shutdown the outcome of a
// delivery already made must still be written) but not for long.
func writeCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// sent records a delivery, trying a few times: a message accepted by the server but not recorded would
// be sent again by another sender once its lease ends.
func (s *Sender) sent(ctx context.Context, m store.Mail) {
	at := s.now()
	wctx, cancel := writeCtx(ctx)
	defer cancel()
	var err error
	for try, wait := 0, 100*time.Millisecond; try < 3; try, wait = try+1, wait*2 {
		if err = s.st.MarkMailSent(wctx, m.ID, at); err == nil || errors.Is(err, store.ErrNotFound) {
			s.log.Info("mail sent", "mail_id", m.ID, "attempt", attempt(m))
			return
		}
		select {
		case <-wctx.Done():
		case <-time.After(wait):
		}
	}
	s.delivered[m.ID] = at
	s.log.Error("mail sent but not recorded; this sender will not send it again", "mail_id", m.ID, "attempt", attempt(m), "error", err)
}

// recordDelivered retries recording the deliveries the store failed to record.
func (s *Sender) recordDelivered(ctx context.Context) {
	if len(s.delivered) == 0 {
		return
	}
	wctx, cancel := writeCtx(ctx)
	defer cancel()
	for id, at := range s.delivered {
		if err := s.st.MarkMailSent(wctx, id, at); err == nil || errors.Is(err, store.ErrNotFound) {
			delete(s.delivered, id)
		}
	}
}

// failed records a failed attempt and schedules the next, or gives the message up: at once when the
// server refused it for good, and when it has failed for longer than GiveUpAfter.
func (s *Sender) failed(ctx context.Context, m store.Mail, err error) {
	n := attempt(m)
	now := s.now()
	reason := Reason(err)
	wctx, cancel := writeCtx(ctx)
	defer cancel()
	if permanent, tooOld := IsPermanent(err), now.Sub(m.CreatedAt) >= s.giveUp; permanent || tooOld {
		if !permanent {
			reason = fmt.Sprintf("not delivered in %v; last: %s", s.giveUp, reason)
		}
		reason = truncate(reason)
		s.log.Warn("mail undeliverable", "mail_id", m.ID, "attempt", n, "permanent", permanent, "error", reason)
		if err := s.undeliverable(wctx, m, now, reason); err != nil {
			s.log.Error("mail given up but not recorded; it is tried again when its lease ends", "mail_id", m.ID, "error", err)
		} else if s.hooks != nil && m.ResponseID != "" {
			s.hooks.Wake()
		}
		return
	}
	next := now.Add(s.backoff(n))
	reason = truncate(reason)
	s.log.Warn("mail delivery failed", "mail_id", m.ID, "attempt", n, "retry_at", next, "error", reason)
	if err := s.st.MarkMailFailed(wctx, m.ID, next, reason); err != nil {
		s.log.Error("mail failure not recorded; it is retried when its lease ends", "mail_id", m.ID, "error", err)
	}
}

// undeliverable gives a message up and, when it is about a delegation, tells the case system, together.
func (s *Sender) undeliverable(ctx context.Context, m store.Mail, now time.Time, reason string) error {
	return s.st.InTx(ctx, func(tx store.Data) error {
		if err := tx.MarkMailUndeliverable(ctx, m.ID, now, reason); err != nil || m.ResponseID == "" {
			return err
		}
		r, err := tx.Response(ctx, m.ResponseID)
		if errors.Is(err, store.ErrNotFound) || err == nil && r.Kind != store.KindDelegation {
			return nil
		}
		if err != nil {
			return err
		}
		return apievents.Record(ctx, tx, apievents.DelegationEmailUndeliverable, r, now)
	})
}

// truncate keeps a reason to a size fit for the store and a page.
func truncate(reason string) string {
	if len(reason) > 1000 {
		return strings.ToValidUTF8(reason[:1000], "")
	}
	return reason
}

// release hands back claimed messages not attempted, due at once, keeping their last error.
func (s *Sender) release(ctx context.Context, ms []store.Mail) {
	wctx, cancel := writeCtx(ctx)
	defer cancel()
	now := s.now()
	for _, m := range ms {
		if err := s.st.MarkMailFailed(wctx, m.ID, now, m.LastError); err != nil {
			s.log.Error("mail not handed back; it is retried when its lease ends", "mail_id", m.ID, "error", err)
		}
	}
}

// backoff is the wait after the nth failed attempt: MinBackoff doubling up to MaxBackoff, less up to
// 20% jitter.
func (s *Sender) backoff(n int) time.Duration {
	d := s.min
	for i := 1; i < n && d < s.max; i++ {
		d *= 2
	}
	d = min(d, s.max)
	return d - time.Duration(s.jitter()*float64(d)/5)
}

// attempt is the attempt number of a claimed message (the store counts claims).
func attempt(m store.Mail) int { return max(m.Attempts, 1) }
