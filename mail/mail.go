// Package mail sends the portal's emails through a durable outbox. Handlers call Outbox.Send, which only
// writes the message to the store; a Sender claims due messages from the store and hands them to a
// Transport (SMTP, or the dev mailbox), retrying failures with exponential back-off. A mail server outage
// therefore loses nothing: messages wait in the store until the server answers again. A message the server
// refuses for good (5xx), or that still fails after SenderOptions.GiveUpAfter, is marked undeliverable
// with the server's reason, for staff to see on the delegation it is about.
//
// Delivery is at least once across processes (a sender that dies after the server accepted a message but
// before recording it leaves the message to be sent again when its one-minute lease ends, with the same
// Message-ID) and exactly once within one Sender after a successful hand-over: a Sender never delivers
// again a message it has seen accepted.
package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"formportal/i18n"
	"formportal/store"
)

// Transport hands one message to the world. from is the full From header value, usually with a display
// name: "Oxfordshire Children's Services Portal <donotreply@council.example>". A nil error means the
// message was accepted and must not be sent again.
type Transport interface {
	Deliver(ctx context.Context, from string, m store.Mail) error
}

// DevMailbox is the Transport for development and demos: it delivers nowhere. The messages stay in the
// store, marked sent, and the portal lists them at /dev/mail through store.RecentMail.
type DevMailbox struct{}

// Deliver accepts every message.
func (DevMailbox) Deliver(context.Context, string, store.Mail) error { return nil }

// Outbox queues emails in the store for a Sender to deliver. It implements the web package's Mailer.
type Outbox struct {
	st   store.Store
	from string
	now  func() time.Time

	// Notify, when set, is called after each message is queued, so a sender can go at once instead of at
	// its next interval: outbox.Notify = sender.Wake.
	Notify func()
}

// NewOutbox returns an outbox on st. from is the From header the messages will carry; now stamps them
// (time.Now when nil).
func NewOutbox(st store.Store, from string, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	return &Outbox{st: st, from: from, now: now}
}

// From is the From header of the outbox's messages.
func (o *Outbox) From() string { return o.from }

// ErrInvalid is wrapped by Send's errors for a message that could never be delivered.
var ErrInvalid = errors.New("invalid email")

// Send queues a plain-text email. It returns once the message is durably in the outbox; delivery happens
// later. The address must be a single valid address; the subject must be one line. It is written in the
// language of ctx (i18n.WithLang).
func (o *Outbox) Send(ctx context.Context, to, subject, text string) error {
	if err := o.Queue(ctx, o.st, &store.Mail{To: to, Subject: subject, Text: text, Lang: string(i18n.From(ctx))}); err != nil {
		return err
	}
	o.Wake()
	return nil
}

// Queue checks m and adds it to into: the store, or one of its transactions, so that an email is queued
// if and only if the change it tells of commits. It does not wake the sender; call Wake after the commit.
func (o *Outbox) Queue(ctx context.Context, into store.Outbox, m *store.Mail) error {
	m.To = strings.TrimSpace(m.To)
	if _, err := netmail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("%w: recipient %q: %v", ErrInvalid, m.To, err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("%w: subject has a line break", ErrInvalid)
	}
	m.CreatedAt = o.now()
	if err := into.EnqueueMail(ctx, m); err != nil {
		return fmt.Errorf("queue email: %w", err)
	}
	return nil
}

// Wake tells the sender that mail is waiting.
func (o *Outbox) Wake() {
	if o.Notify != nil {
		o.Notify()
	}
}
