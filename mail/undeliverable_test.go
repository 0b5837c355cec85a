package mail_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"formportal/internal/smtptest"
	"formportal/mail"
	"formportal/store"
)

// TestPermanentRefusalIsUndeliverable has the server refuse a recipient for good (550): the message is
// marked undeliverable with the server's reason at once and never tried again.
func TestPermanentRefusalIsUndeliverable(t *testing.T) {
	h := newHarness(t)
	s := h.sender(h.store, h.transport(), mail.SenderOptions{})
	h.smtp.RefuseRecipient("gone@school.example")
	if err := h.store.EnqueueMail(h.ctx, &store.Mail{To: "gone@school.example", Subject: "A form has been delegated to you",
		Text: "Your code is " + secret, ResponseID: "d1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	h.send("ok@school.example", "Subject", "Hello")
	h.flush(s, 1)
	m := h.mails()["gone@school.example"]
	if m.Status() != store.MailUndeliverable || !m.FailedAt.Equal(t0) || m.Attempts != 1 {
		t.Fatalf("after a 550: %+v", m)
	}
	for _, want := range []string{"550", "5.1.1", smtptest.UnknownMailbox} {
		if !strings.Contains(m.LastError, want) {
			t.Errorf("reason %q lacks the server's %q", m.LastError, want)
		}
	}
	if strings.Contains(m.LastError, "affected message ID") {
		t.Errorf("reason %q is the library's, not the server's", m.LastError)
	}
	about, err := h.store.MailAbout(h.ctx, "d1")
	if err != nil || len(about) != 1 || about[0].Status() != store.MailUndeliverable || about[0].LastError != m.LastError {
		t.Fatalf("mail about the delegation: %+v, %v", about, err)
	}
	for range 5 {
		h.clock.Advance(2 * time.Hour)
		h.flush(s, 0)
	}
	if n := h.smtp.Refused(); n != 1 {
		t.Errorf("the server was asked %d times, want once", n)
	}
	if !strings.Contains(h.logs.String(), `msg="mail undeliverable" mail_id=1`) {
		t.Errorf("logs:\n%s", h.logs.String())
	}
}

// TestTemporaryRefusalIsRetried has the server refuse for now (451): the message stays queued and is
// delivered when the server is back.
func TestTemporaryRefusalIsRetried(t *testing.T) {
	h := newHarness(t)
	s := h.sender(h.store, h.transport(), mail.SenderOptions{})
	h.send("a@school.example", "Subject", "Hello")
	h.smtp.SetDown(true)
	h.flush(s, 0)
	if m := h.mails()["a@school.example"]; m.Status() != store.MailQueued || !strings.Contains(m.LastError, "451") {
		t.Fatalf("after a 451: %+v", m)
	}
	h.smtp.SetDown(false)
	h.clock.Advance(time.Minute)
	h.flush(s, 1)
	if m := h.mails()["a@school.example"]; m.Status() != store.MailSent || m.Attempts != 2 {
		t.Fatalf("after the server came back: %+v", m)
	}
}

// TestGivesUpAfterMaxAge keeps the server down: once the message is older than GiveUpAfter the next
// failure marks it undeliverable with the last reason.
func TestGivesUpAfterMaxAge(t *testing.T) {
	h := newHarness(t)
	s := h.sender(h.store, h.transport(), mail.SenderOptions{})
	h.send("a@school.example", "Subject", "Hello")
	h.smtp.SetDown(true)
	for h.clock.Now().Before(t0.Add(71 * time.Hour)) {
		h.flush(s, 0)
		h.clock.Advance(time.Hour)
	}
	if m := h.mails()["a@school.example"]; m.Status() != store.MailQueued {
		t.Fatalf("given up before 72 hours: %+v", m)
	}
	h.clock.Advance(2 * time.Hour)
	h.flush(s, 0)
	m := h.mails()["a@school.example"]
	if m.Status() != store.MailUndeliverable || !strings.Contains(m.LastError, "72h") || !strings.Contains(m.LastError, "451") {
		t.Fatalf("after 73 hours of refusals: %+v", m)
	}
	refused := h.smtp.Refused()
	h.clock.Advance(24 * time.Hour)
	h.flush(s, 0)
	if h.smtp.Refused() != refused {
		t.Error("tried again after giving up")
	}
}

// TestLeaseRenewedWhileSending has a slow server take longer than the lease: the sender at work keeps
// its lease, so a second sender does not send the message again.
func TestLeaseRenewedWhileSending(t *testing.T) {
	h := newHarness(t)
	opts := mail.SenderOptions{Lease: 300 * time.Millisecond, Now: time.Now}
	slow, other := h.sender(h.store, h.transport(), opts), h.sender(h.store, h.transport(), opts)
	h.outbox = mail.NewOutbox(h.store, from, time.Now)
	h.send("a@school.example", "Subject", "Hello")
	h.smtp.SetDelay(1200 * time.Millisecond)
	var wg sync.WaitGroup
	wg.Go(func() { h.flush(slow, 1) })
	time.Sleep(50 * time.Millisecond) // slow has claimed it
	for deadline := time.Now().Add(1500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, err := other.Flush(h.ctx); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if n := h.smtp.Count("a@school.example"); n != 1 {
		t.Fatalf("sent %d times, want once", n)
	}
}

// TestDeadSenderResentWithSameMessageID has a sender deliver a message and die before recording it: after
// the (one minute) lease another sender sends it again, with the same Message-ID, so the receiving side
// can tell it is the same message.
func TestDeadSenderResentWithSameMessageID(t *testing.T) {
	h := newHarness(t)
	dying := h.sender(&sentFails{Store: h.store, fails: 1000}, h.transport(), mail.SenderOptions{})
	h.send("a@school.example", "Subject", "Hello")
	h.flush(dying, 1)
	first := h.smtp.WaitFor(t, "a@school.example", 5*time.Second)
	next := h.sender(h.store, h.transport(), mail.SenderOptions{})
	h.clock.Advance(59 * time.Second)
	h.flush(next, 0)
	h.clock.Advance(time.Second)
	h.flush(next, 1)
	second := h.smtp.WaitFor(t, "a@school.example", 5*time.Second)
	if id := first.Header.Get("Message-ID"); id == "" || id != second.Header.Get("Message-ID") {
		t.Fatalf("Message-IDs %q and %q, want one stable id", id, second.Header.Get("Message-ID"))
	}
	if m := h.mails()["a@school.example"]; m.Status() != store.MailSent || m.Attempts != 2 {
		t.Fatalf("outbox record: %+v", m)
	}
}
