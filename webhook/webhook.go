// Package webhook tells a council's case system of events as they happen: each event goes to every
// registered endpoint through the durable outbox in the store, signed in the manner of the Standard
// Webhooks specification (webhook-id, webhook-timestamp, webhook-signature: v1, and the base64 of the
// HMAC-SHA256 of "id.timestamp.body" under the endpoint's secret), retried with back-off, and after its
// last try marked failed for an admin to resend. Each endpoint is sent its events one at a time, in the
// order they happened.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"formportal/api"
	"formportal/internal/wakeloop"
	"formportal/metrics"
	"formportal/store"
)

// secretPrefix starts every signing secret, as Standard Webhooks has it.
const secretPrefix = "whsec_"

// NewSecret makes an endpoint's signing secret: 32 random bytes.
func NewSecret() string {
	key := make([]byte, 32)
	rand.Read(key)
	return secretPrefix + base64.StdEncoding.EncodeToString(key)
}

// Sign is the webhook-signature of a delivery: "v1," and the base64 of HMAC-SHA256 over
// "id.timestamp.body", keyed with the secret's bytes.
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, timestamp)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// CheckURL says what is wrong with an endpoint's address, or nil: https, or http to this machine only.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return fmt.Errorf("%q is not an absolute URL such as https://lcs.council.example/portal-events", raw)
	}
	if u.Scheme == "https" {
		return nil
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme == "http" && (u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("%q: an endpoint must use https (http only to this machine, for trying it out)", raw)
}

// AddEndpoint registers an endpoint with a new secret, audited.
func AddEndpoint(ctx context.Context, st store.Store, rawURL, actor string, now time.Time) (*store.WebhookEndpoint, error) {
	if err := CheckURL(rawURL); err != nil {
		return nil, err
	}
	e := &store.WebhookEndpoint{ID: store.NewID(), URL: rawURL, Secret: NewSecret(), CreatedAt: now}
	err := st.InTx(ctx, func(tx store.Data) error {
		if err := tx.CreateWebhookEndpoint(ctx, e); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor, Action: "added webhook endpoint", Target: e.ID, Detail: e.URL})
	})
	if err != nil {
		return nil, fmt.Errorf("add webhook endpoint: %w", err)
	}
	return e, nil
}

// RemoveEndpoint removes an endpoint and what was still to be sent to it, audited.
func RemoveEndpoint(ctx context.Context, st store.Store, id, actor string, now time.Time) error {
	return st.InTx(ctx, func(tx store.Data) error {
		if err := tx.DeleteWebhookEndpoint(ctx, id); err != nil {
			return fmt.Errorf("remove webhook endpoint %s: %w", id, err)
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: actor, Action: "removed webhook endpoint", Target: id})
	})
}

// DefaultSchedule is how long the sender waits after each failed try before the next; after the last,
// the delivery is failed. Eleven tries over about two days.
var DefaultSchedule = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour,
	2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour, 16 * time.Hour}

// lease is how long a claimed delivery is kept from other senders: longer than a try can take.
const lease = time.Minute

// Sender delivers the outbox's webhooks.
type Sender struct {
	st       store.Store
	client   *http.Client
	log      *slog.Logger
	now      func() time.Time
	schedule []time.Duration
	poll     time.Duration
	loop     *wakeloop.Loop
}

// Options are a Sender's settings; zero values take defaults.
type Options struct {
	Logger   *slog.Logger
	Now      func() time.Time
	Client   *http.Client    // a 10-second timeout, no redirects followed, by default
	Schedule []time.Duration // DefaultSchedule by default
	// Poll is how often Run looks for deliveries due without being woken (5s): for retries, and for
	// events recorded by another portal process. A change in this process wakes it at once.
	Poll time.Duration
}

// NewSender makes a sender on the store's outbox.
func NewSender(st store.Store, opts Options) *Sender {
	s := &Sender{st: st, client: opts.Client, log: opts.Logger, now: opts.Now, schedule: opts.Schedule, poll: opts.Poll, loop: wakeloop.New()}
	if s.client == nil {
		s.client = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.schedule == nil {
		s.schedule = DefaultSchedule
	}
	if s.poll <= 0 {
		s.poll = 5 * time.Second
	}
	return s
}

// Wake makes Run look for deliveries at once: casework wakes it after each change that records an
// event (casework.Service.WakeWebhooks), the mail sender after an email it gave up on.
func (s *Sender) Wake() { s.loop.Wake() }

// Run delivers until ctx ends, looking every Poll and when woken.
func (s *Sender) Run(ctx context.Context) {
	s.loop.Run(ctx, s.poll, func(ctx context.Context) {
		if _, err := s.Flush(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("webhooks: delivery round failed", "err", err)
		}
	})
}

// Flush delivers what is due now, endpoint by endpoint in order, until nothing is due, and says how
// many deliveries the endpoints took.
func (s *Sender) Flush(ctx context.Context) (int, error) {
	delivered := 0
	for {
		batch, err := s.st.ClaimWebhookDeliveries(ctx, s.now(), lease)
		if err != nil || len(batch) == 0 {
			return delivered, err
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		progress := false
		for _, d := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok := s.deliver(ctx, d)
				mu.Lock()
				defer mu.Unlock()
				if ok {
					delivered++
					progress = true
				}
			}()
		}
		wg.Wait()
		if !progress || ctx.Err() != nil {
			return delivered, ctx.Err()
		}
	}
}

// deliver tries one delivery and records how it went; it reports whether the endpoint took it.
func (s *Sender) deliver(ctx context.Context, d store.WebhookDelivery) bool {
	err := s.post(ctx, d)
	now := s.now()
	if err == nil {
		if err := s.st.MarkWebhookDelivered(context.WithoutCancel(ctx), d.ID, now); err != nil {
			s.log.Error("webhook delivered but not recorded: it is sent again", "delivery", d.ID, "err", err)
			return false
		}
		return true
	}
	metrics.WebhookFailed(failureKind(err))
	reason := err.Error()
	if len(reason) > 500 {
		reason = strings.ToValidUTF8(reason[:500], "")
	}
	last := d.Attempts > len(s.schedule)
	next := now
	if !last {
		next = now.Add(s.schedule[d.Attempts-1])
	}
	s.log.Warn("webhook delivery failed", "delivery", d.ID, "endpoint", d.Endpoint.ID, "event", d.Event.ID, "attempt", d.Attempts, "given_up", last, "err", reason)
	if err := s.st.MarkWebhookAttemptFailed(context.WithoutCancel(ctx), d.ID, next, reason, last); err != nil {
		s.log.Error("webhook failure not recorded: it is tried again when its lease ends", "delivery", d.ID, "err", err)
	}
	return false
}

// Body is what a delivery of an event carries.
func Body(e store.APIEvent) ([]byte, error) {
	ev := api.EventOf(e)
	ev.ID = "" // the webhook-id header carries it
	return json.Marshal(ev)
}

func (s *Sender) post(ctx context.Context, d store.WebhookDelivery) error {
	body, err := Body(d.Event)
	if err != nil {
		return err
	}
	ts := s.now().Unix()
	sig, err := Sign(d.Endpoint.Secret, d.Event.ID, ts, body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Endpoint.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "formportal-webhooks")
	req.Header.Set("webhook-id", d.Event.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return statusError(resp.Status)
	}
	return nil
}

// statusError is an endpoint's answer that was not a success.
type statusError string

func (e statusError) Error() string { return "the endpoint answered " + string(e) }

// failureKind is the metrics reason of a failed delivery.
func failureKind(err error) string {
	var status statusError
	var netErr net.Error
	switch {
	case errors.As(err, &status):
		return metrics.WebhookStatus
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return metrics.WebhookTimeout
	default:
		return metrics.WebhookConnect
	}
}
