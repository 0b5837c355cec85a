package mail

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"formportal/store"
)

// SenderOptions tunes a Sender. Zero values take the defaults.
type SenderOptions struct {
	// Interval is how often the sender looks for due mail when not woken (5s). Retries are picked up at
	// this granularity.
	Interval time.Duration
	// Lease is how long claimed messages are hidden from other senders (5m). A sender stops starting new
	// deliveries from a batch once three quarters of the lease have passed and hands the rest back, so a
	// slow server does not let a second sender pick up a message still being sent.
	Lease time.Duration
	// Batch is how many messages one claim takes (10).
	Batch int
	// MinBackoff is the wait after a first failure (30s); it doubles with each further failure up to
	// MaxBackoff (1h). Each wait is shortened by a random 0-20%, so messages that failed together do not
	// retry in lockstep; it never exceeds the cap.
	MinBackoff, MaxBackoff time.Duration
	// Now is the clock for the store's timestamps and back-off (time.Now).
	Now func() time.Time
	// Logger receives one line per delivery and per failure, never a message body (slog.Default()).
	Logger *slog.Logger
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
	now      func() time.Time
	log      *slog.Logger
	jitter   func() float64 // in [0, 1)

	wake chan struct{}

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
		min: opts.MinBackoff, max: opts.MaxBackoff,
		now: opts.Now, log: opts.Logger, jitter: rand.Float64,
		wake:      make(chan struct{}, 1),
		delivered: map[int64]time.Time{},
	}
	if s.interval <= 0 {
		s.interval = 5 * time.Second
	}
	if s.lease <= 0 {
		s.lease = 5 * time.Minute
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
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers due mail until ctx is done: a pass at once, then one every Interval or on Wake.
func (s *Sender) Run(ctx context.Context) {
	timer := time.NewTimer(s.interval)
	defer timer.Stop()
	for {
		if _, err := s.Flush(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("mail outbox pass failed", "error", err)
		}
		timer.Reset(s.interval)
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-timer.C:
		}
	}
}

// Flush runs one pass: it claims and delivers due messages until none is left. It returns how many were
// delivered. A delivery failure is not an error of the pass: it is logged and recorded on the message,
// which is retried after its back-off. The error is the store's, or ctx's.
func (s *Sender) Flush(ctx context.Context) (sent int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordDelivered(ctx)
	for {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		started := time.Now()
		batch, err := s.st.ClaimDueMail(ctx, s.now(), s.lease, s.batch)
		if err != nil {
			return sent, err
		}
		n, complete := s.deliver(ctx, batch, started)
		sent += n
		if !complete || len(batch) < s.batch {
			return sent, ctx.Err()
		}
	}
}

// deliver sends a claimed batch. It reports false when it stopped early (ctx done, or the lease nearly
// over) and handed the rest of the batch back.
func (s *Sender) deliver(ctx context.Context, batch []store.Mail, claimed time.Time) (sent int, complete bool) {
	bctx, cancel := context.WithDeadline(ctx, claimed.Add(s.lease*3/4))
	defer cancel()
	for i, m := range batch {
		if _, ok := s.delivered[m.ID]; ok {
			s.recordDelivered(ctx)
			continue
		}
		if bctx.Err() != nil {
			s.release(ctx, batch[i:])
			return sent, false
		}
		if err := s.t.Deliver(bctx, s.from, m); err != nil {
			s.failed(ctx, m, err)
			continue
		}
		sent++
		s.sent(ctx, m)
	}
	return sent, true
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

// failed records a failed attempt and schedules the next.
func (s *Sender) failed(ctx context.Context, m store.Mail, err error) {
	n := attempt(m)
	next := s.now().Add(s.backoff(n))
	reason := err.Error()
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	s.log.Warn("mail delivery failed", "mail_id", m.ID, "attempt", n, "retry_at", next, "permanent", IsPermanent(err), "error", reason)
	wctx, cancel := writeCtx(ctx)
	defer cancel()
	if err := s.st.MarkMailFailed(wctx, m.ID, next, reason); err != nil {
		s.log.Error("mail failure not recorded; it is retried when its lease ends", "mail_id", m.ID, "error", err)
	}
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
