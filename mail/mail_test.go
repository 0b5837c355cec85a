package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/internal/smtptest"
	"formportal/mail"
	"formportal/store"
	"formportal/store/sqlstore"
)

const (
	from     = "Oxfordshire Children's Services Portal <donotreply@council.example>"
	fromAddr = "donotreply@council.example"
	secret   = "1985 9471" // stands for a verification code: must never reach the logs
)

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// clock is an injected clock, stepped by the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type harness struct {
	t      *testing.T
	ctx    context.Context
	path   string
	store  *sqlstore.DB
	clock  *clock
	smtp   *smtptest.Server
	logs   *syncBuffer
	outbox *mail.Outbox
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "portal.db")
	db, err := sqlstore.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := &harness{t: t, ctx: ctx, path: path, store: db, clock: &clock{now: t0}, smtp: smtptest.Start(t), logs: &syncBuffer{}}
	h.outbox = mail.NewOutbox(db, from, h.clock.Now)
	t.Cleanup(func() {
		if strings.Contains(h.logs.String(), secret) {
			t.Errorf("a message body reached the logs:\n%s", h.logs.String())
		}
	})
	return h
}

func (h *harness) transport() *mail.SMTPTransport {
	host, port := h.smtp.Addr()
	return &mail.SMTPTransport{Host: host, Port: port, TLS: mail.TLSNone, Timeout: 5 * time.Second}
}

func (h *harness) sender(st store.Store, t mail.Transport, opts mail.SenderOptions) *mail.Sender {
	if opts.Now == nil {
		opts.Now = h.clock.Now
	}
	opts.Logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return mail.NewSender(st, t, from, opts)
}

func (h *harness) send(to, subject, text string) {
	h.t.Helper()
	if err := h.outbox.Send(h.ctx, to, subject, text); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) flush(s *mail.Sender, want int) {
	h.t.Helper()
	sent, err := s.Flush(h.ctx)
	if err != nil || sent != want {
		h.t.Fatalf("Flush = %d, %v; want %d sent", sent, err, want)
	}
}

// mails returns the outbox by recipient.
func (h *harness) mails() map[string]store.Mail {
	h.t.Helper()
	list, err := h.store.RecentMail(h.ctx, 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]store.Mail{}
	for _, m := range list {
		out[m.To] = m
	}
	return out
}

func TestDeliveredWithHeadersAndBody(t *testing.T) {
	h := newHarness(t)
	s := h.sender(h.store, h.transport(), mail.SenderOptions{})
	to := "rose.berry@school.example"
	subject := "Your code – verify your email address"
	long := strings.Repeat("Référence d'orientation = 42; ", 10)
	text := "Dear Rose Berry,\n\nYour code is " + secret + ".\nIt expires in 15 minutes.\n\n" + long + "\n\nOxfordshire County Council\n"
	h.send(to, subject, text)
	h.flush(s, 1)

	got := h.smtp.WaitFor(t, to, 5*time.Second)
	if got.Err != nil {
		t.Fatalf("message did not parse: %v\n%s", got.Err, got.Raw)
	}
	if got.From != fromAddr || len(got.To) != 1 || got.To[0] != to {
		t.Errorf("envelope: from %q to %q", got.From, got.To)
	}
	if got.Subject != subject {
		t.Errorf("subject %q, want %q", got.Subject, subject)
	}
	if raw := got.Header.Get("Subject"); !strings.HasPrefix(strings.ToLower(raw), "=?utf-8?") {
		t.Errorf("non-ASCII subject not RFC 2047 encoded: %q", raw)
	}
	if strings.TrimRight(got.Body, "\n") != strings.TrimRight(text, "\n") {
		t.Errorf("body:\n%q\nwant\n%q", got.Body, text)
	}
	hdrFrom, err := netmail.ParseAddress(got.Header.Get("From"))
	if err != nil || hdrFrom.Name != "Oxfordshire Children's Services Portal" || hdrFrom.Address != fromAddr {
		t.Errorf("From header %q: %+v, %v", got.Header.Get("From"), hdrFrom, err)
	}
	if hdrTo, err := netmail.ParseAddress(got.Header.Get("To")); err != nil || hdrTo.Address != to {
		t.Errorf("To header %q", got.Header.Get("To"))
	}
	if date, err := got.Header.Date(); err != nil || !date.Equal(t0) {
		t.Errorf("Date header %q: %v, want %v", got.Header.Get("Date"), date, t0)
	}
	if id := got.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@council.example>") {
		t.Errorf("Message-ID %q", id)
	}
	mediaType, _, err := mime.ParseMediaType(got.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Errorf("Content-Type %q, want a text part and an HTML alternative", got.Header.Get("Content-Type"))
	}
	raw := string(got.Raw)
	if !strings.Contains(raw, "Content-Type: text/plain; charset=UTF-8") || !strings.Contains(raw, "Content-Type: text/html; charset=UTF-8") ||
		!strings.Contains(raw, "Content-Transfer-Encoding: quoted-printable") {
		t.Errorf("parts are not UTF-8 quoted-printable text and HTML:\n%s", raw)
	}
	for _, want := range []string{`<html lang="en">`, "Oxfordshire Children&#39;s Services Portal", "<title>"} {
		if !strings.Contains(got.HTML, want) {
			t.Errorf("the HTML part lacks %q:\n%s", want, got.HTML)
		}
	}
	if got.Header.Get("MIME-Version") != "1.0" || got.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("MIME-Version %q, Auto-Submitted %q", got.Header.Get("MIME-Version"), got.Header.Get("Auto-Submitted"))
	}
	for _, h := range []string{"User-Agent", "X-Mailer"} {
		if v := got.Header.Get(h); v != "" {
			t.Errorf("%s header %q leaks the mail library", h, v)
		}
	}
	for _, line := range strings.Split(string(got.Raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line of %d characters: %q", len(line), line)
		}
		for _, r := range line {
			if r > 127 {
				t.Errorf("raw message not 7-bit: %q", line)
				break
			}
		}
	}

	m := h.mails()[to]
	if !m.SentAt.Equal(t0) || m.Attempts != 1 || m.LastError != "" {
		t.Errorf("outbox record: %+v", m)
	}
	// Further passes, however late, send nothing more.
	h.clock.Advance(48 * time.Hour)
	h.flush(s, 0)
	if n := len(h.smtp.Messages()); n != 1 {
		t.Errorf("server saw %d messages, want 1", n)
	}
}

func TestOutageLosesNothingAndRecoveryDeliversOnce(t *testing.T) {
	h := newHarness(t)
	s := h.sender(h.store, h.transport(), mail.SenderOptions{})
	recipients := []string{"a@school.example", "b@school.example", "c@school.example"}
	for _, to := range recipients {
		h.send(to, "Please verify your email address", "Your code is "+secret)
	}

	h.smtp.SetDown(true)
	h.flush(s, 0)
	if h.smtp.Refused() != 3 || len(h.smtp.Messages()) != 0 {
		t.Fatalf("while down: %d refused, %d accepted", h.smtp.Refused(), len(h.smtp.Messages()))
	}
	checkRetry := func(attempts int, wait time.Duration) {
		t.Helper()
		now := h.clock.Now()
		for _, to := range recipients {
			m := h.mails()[to]
			if m.Attempts != attempts || !m.SentAt.IsZero() || !strings.Contains(m.LastError, "451") {
				t.Errorf("%s after %d failures: %+v", to, attempts, m)
			}
			// Jitter takes up to a fifth off the wait, never adds to it.
			if !m.NextAttemptAt.After(now.Add(wait*4/5-time.Millisecond)) || m.NextAttemptAt.After(now.Add(wait)) {
				t.Errorf("%s next attempt %v, want within (%v, %v]", to, m.NextAttemptAt.Sub(now), wait*4/5, wait)
			}
		}
	}
	checkRetry(1, 30*time.Second)

	// Not due yet: no attempt.
	h.clock.Advance(20 * time.Second)
	h.flush(s, 0)
	if h.smtp.Refused() != 3 {
		t.Fatalf("retried before its back-off: %d refused", h.smtp.Refused())
	}
	h.clock.Advance(10 * time.Second)
	h.flush(s, 0)
	if h.smtp.Refused() != 6 {
		t.Fatalf("second attempt: %d refused, want 6", h.smtp.Refused())
	}
	checkRetry(2, time.Minute)

	h.smtp.SetDown(false)
	h.flush(s, 0) // still backing off
	h.clock.Advance(time.Minute)
	h.flush(s, 3)
	for _, to := range recipients {
		got := h.smtp.WaitFor(t, to, 5*time.Second)
		if got.Body != "Your code is "+secret && strings.TrimRight(got.Body, "\n") != "Your code is "+secret {
			t.Errorf("body %q", got.Body)
		}
		m := h.mails()[to]
		if m.SentAt.IsZero() || m.Attempts != 3 || m.LastError != "" {
			t.Errorf("%s after recovery: %+v", to, m)
		}
	}
	for range 3 {
		h.clock.Advance(2 * time.Hour)
		h.flush(s, 0)
	}
	for _, to := range recipients {
		if n := h.smtp.Count(to); n != 1 {
			t.Errorf("%s got %d copies, want 1", to, n)
		}
	}
	if n := len(h.smtp.Messages()); n != 3 {
		t.Errorf("server saw %d messages, want 3", n)
	}
	logs := h.logs.String()
	for _, want := range []string{`msg="mail delivery failed"`, "mail_id=1 attempt=1", "mail_id=3 attempt=2", `msg="mail sent" mail_id=2 attempt=3`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

func TestServerUnreachable(t *testing.T) {
	h := newHarness(t)
	// A port nobody listens on any more: the connection is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dead := &mail.SMTPTransport{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, Timeout: 2 * time.Second}
	s := h.sender(h.store, dead, mail.SenderOptions{})
	h.send("a@school.example", "Subject", "Your code is "+secret)
	h.flush(s, 0)
	m := h.mails()["a@school.example"]
	if m.Attempts != 1 || m.LastError == "" || !m.SentAt.IsZero() {
		t.Fatalf("after a refused connection: %+v", m)
	}
	// The real server is up: a sender using it picks the message up once the back-off is over.
	h.clock.Advance(30 * time.Second)
	h.flush(h.sender(h.store, h.transport(), mail.SenderOptions{}), 1)
	if h.smtp.Count("a@school.example") != 1 {
		t.Fatal("not delivered after the outage")
	}
}

func TestTwoSendersDeliverEachMessageOnce(t *testing.T) {
	for _, separate := range []bool{false, true} {
		name := "one store"
		if separate {
			name = "two handles on one database"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			other := store.Store(h.store)
			if separate {
				db, err := sqlstore.OpenSQLite(h.ctx, h.path)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				other = db
			}
			const n = 40
			for i := range n {
				h.send(fmt.Sprintf("user%02d@school.example", i), "Subject", "Your code is "+secret)
			}
			opts := mail.SenderOptions{Batch: 3, Interval: 5 * time.Millisecond}
			senders := []*mail.Sender{h.sender(h.store, h.transport(), opts), h.sender(other, h.transport(), opts)}
			ctx, cancel := context.WithCancel(h.ctx)
			var wg sync.WaitGroup
			for _, s := range senders {
				wg.Go(func() { s.Run(ctx) })
				// Flush alongside Run too: a pass of the same sender waits for the one under way.
				wg.Go(func() { s.Flush(ctx) })
			}
			deadline := time.Now().Add(20 * time.Second)
			for len(h.smtp.Messages()) < n && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond) // room for a duplicate to show
			cancel()
			wg.Wait()
			if got := len(h.smtp.Messages()); got != n {
				t.Errorf("server saw %d messages, want %d", got, n)
			}
			for i := range n {
				to := fmt.Sprintf("user%02d@school.example", i)
				if c := h.smtp.Count(to); c != 1 {
					t.Errorf("%s got %d copies", to, c)
				}
				if m := h.mails()[to]; m.SentAt.IsZero() || m.Attempts != 1 {
					t.Errorf("%s: %+v", to, m)
				}
			}
		})
	}
}

func TestDevMailboxMarksSent(t *testing.T) {
	h := newHarness(t)
	s := h.sender(h.store, mail.DevMailbox{}, mail.SenderOptions{})
	h.send("first@school.example", "First", "Your code is "+secret)
	h.clock.Advance(time.Second)
	h.send("second@school.example", "Second", "Hello")
	h.flush(s, 2)
	list, err := h.store.RecentMail(h.ctx, 10)
	if err != nil || len(list) != 2 {
		t.Fatalf("RecentMail: %v, %v", list, err)
	}
	if list[0].To != "second@school.example" || list[1].To != "first@school.example" || list[1].Text != "Your code is "+secret {
		t.Errorf("RecentMail order or content: %+v", list)
	}
	for _, m := range list {
		if m.SentAt.IsZero() || m.Attempts != 1 {
			t.Errorf("dev mailbox message not marked sent: %+v", m)
		}
	}
	if len(h.smtp.Messages()) != 0 {
		t.Error("dev mailbox reached the SMTP server")
	}
}

func TestWakeSendsPromptly(t *testing.T) {
	h := newHarness(t)
	s := h.sender(h.store, h.transport(), mail.SenderOptions{Interval: time.Hour, Now: time.Now})
	h.outbox = mail.NewOutbox(h.store, from, time.Now)
	h.outbox.Notify = s.Wake
	ctx, cancel := context.WithCancel(h.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	time.Sleep(50 * time.Millisecond) // the first pass, with nothing to send, is over
	start := time.Now()
	h.send("prompt@school.example", "Prompt", "Hello")
	h.smtp.WaitFor(t, "prompt@school.example", 5*time.Second)
	if d := time.Since(start); d > time.Second {
		t.Errorf("delivered after %v; Wake should make it prompt", d)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestLeaseOfDeadSenderExpires(t *testing.T) {
	h := newHarness(t)
	h.send("a@school.example", "Subject", "Hello")
	// A sender claims the message and dies without a word.
	if claimed, err := h.store.ClaimDueMail(h.ctx, h.clock.Now(), 5*time.Minute, 10); err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	s := h.sender(h.store, h.transport(), mail.SenderOptions{Lease: 5 * time.Minute})
	h.flush(s, 0)
	h.clock.Advance(5 * time.Minute)
	h.flush(s, 1)
	if h.smtp.Count("a@school.example") != 1 {
		t.Fatal("not delivered after the lease ended")
	}
}

// sentFails is a store whose MarkMailSent fails a number of times.
type sentFails struct {
	store.Store
	mu    sync.Mutex
	fails int
}

func (s *sentFails) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fails > 0 {
		s.fails--
		return errors.New("disk I/O error")
	}
	return s.Store.MarkMailSent(ctx, id, at)
}

func TestUnrecordedDeliveryNotRepeated(t *testing.T) {
	h := newHarness(t)
	st := &sentFails{Store: h.store, fails: 4}
	s := h.sender(st, h.transport(), mail.SenderOptions{Lease: time.Minute})
	h.send("a@school.example", "Subject", "Your code is "+secret)
	h.flush(s, 1) // delivered; recording fails three times
	if m := h.mails()["a@school.example"]; !m.SentAt.IsZero() {
		t.Fatalf("recorded despite the failing store: %+v", m)
	}
	// The lease ends and the message is due again; the sender records it instead of sending it again.
	h.clock.Advance(time.Minute)
	h.flush(s, 0)
	if m := h.mails()["a@school.example"]; m.SentAt.IsZero() {
		t.Fatalf("never recorded: %+v", m)
	}
	if n := h.smtp.Count("a@school.example"); n != 1 {
		t.Fatalf("sent %d times", n)
	}
	if !strings.Contains(h.logs.String(), "mail sent but not recorded") {
		t.Errorf("logs:\n%s", h.logs.String())
	}
}

func TestOutboxRejectsUndeliverable(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ to, subject string }{
		{"not an address", "Subject"},
		{"a@school.example, b@school.example", "Subject"},
		{"a@school.example", "Subject\r\nBcc: victim@example.org"},
	} {
		if err := h.outbox.Send(h.ctx, c.to, c.subject, "text"); !errors.Is(err, mail.ErrInvalid) {
			t.Errorf("Send(%q, %q) = %v, want ErrInvalid", c.to, c.subject, err)
		}
	}
	if len(h.mails()) != 0 {
		t.Error("an invalid message was queued")
	}
}

func TestSMTPTransportTLSAndAuth(t *testing.T) {
	ctx := context.Background()
	m := store.Mail{ID: 7, To: "a@school.example", Subject: "Over TLS", Text: "Hello", CreatedAt: t0}
	for _, mode := range []string{mail.TLSStartTLS, mail.TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			srv := smtptest.StartWith(t, smtptest.Options{TLS: mode, Username: "portal", Password: "s3cret"})
			host, port := srv.Addr()
			tr := &mail.SMTPTransport{Host: host, Port: port, TLS: mode, Username: "portal", Password: "s3cret",
				Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: srv.RootCAs()}}
			if err := tr.Deliver(ctx, from, m); err != nil {
				t.Fatal(err)
			}
			if got := srv.WaitFor(t, m.To, 5*time.Second); got.Subject != "Over TLS" {
				t.Errorf("subject %q", got.Subject)
			}
			bad := *tr
			bad.Password = "wrong"
			err := bad.Deliver(ctx, from, m)
			if err == nil || !mail.IsPermanent(err) {
				t.Errorf("wrong password: %v (permanent %v)", err, mail.IsPermanent(err))
			}
			untrusted := *tr
			untrusted.TLSConfig = nil
			if err := untrusted.Deliver(ctx, from, m); err == nil {
				t.Error("delivered to a server with an untrusted certificate")
			}
		})
	}
	t.Run("starttls required", func(t *testing.T) {
		srv := smtptest.Start(t) // offers no STARTTLS
		host, port := srv.Addr()
		tr := &mail.SMTPTransport{Host: host, Port: port, TLS: mail.TLSStartTLS, Timeout: 5 * time.Second}
		if err := tr.Deliver(ctx, from, m); err == nil {
			t.Error("sent in clear text although starttls was required")
		}
		if len(srv.Messages()) != 0 {
			t.Error("server got the message")
		}
	})
	t.Run("validate", func(t *testing.T) {
		for _, tr := range []mail.SMTPTransport{{}, {Host: "smtp.example", TLS: "ssl"}, {Host: "smtp.example", Port: 70000}} {
			if err := tr.Validate(); err == nil {
				t.Errorf("%+v: no error", tr)
			}
		}
		if err := (&mail.SMTPTransport{Host: "smtp.example"}).Validate(); err != nil {
			t.Error(err)
		}
	})
}
