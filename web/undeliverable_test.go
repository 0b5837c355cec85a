package web

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"formportal/internal/smtptest"
	"formportal/mail"
	"formportal/store"
)

// TestUndeliverableDelegationEmailShown has the real SMTP server refuse one professional's address for
// good (550): staff see on that delegation that its email could not be delivered, with the server's
// reason, and the API says so too; a delivered one says sent.
func TestUndeliverableDelegationEmailShown(t *testing.T) {
	e, key := newDelegationEnv(t)
	ctx := context.Background()
	gone, fine := e.delegate(key, "gone@school.example"), e.delegate(key, "sam@school.example")
	// The delegation emails as the outbox keeps them, each linked to its delegation.
	for id, to := range map[string]string{gone: "gone@school.example", fine: "sam@school.example"} {
		if err := e.store.EnqueueMail(ctx, &store.Mail{To: to, Subject: "A form has been delegated to you", Text: "Sign in",
			ResponseID: id, CreatedAt: e.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	emailOf := func(id string) map[string]any {
		t.Helper()
		code, out := e.api(key, "GET", "/delegations/"+id, nil)
		if code != 200 {
			t.Fatalf("GET delegation: %d %v", code, out)
		}
		email, _ := out["email"].(map[string]any)
		return email
	}
	if email := emailOf(gone); email["status"] != store.MailQueued {
		t.Fatalf("before sending: %v", email)
	}

	srv := smtptest.Start(t)
	srv.RefuseRecipient("gone@school.example")
	host, port := srv.Addr()
	sender := mail.NewSender(e.store, &mail.SMTPTransport{Host: host, Port: port, TLS: mail.TLSNone, Timeout: 5 * time.Second},
		"Portal <donotreply@council.example>", mail.SenderOptions{Now: e.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := sender.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	email := emailOf(gone)
	reason, _ := email["reason"].(string)
	if email["status"] != store.MailUndeliverable || !strings.Contains(reason, "550 5.1.1 "+smtptest.UnknownMailbox) {
		t.Fatalf("refused email in the API: %v", email)
	}
	if email := emailOf(fine); email["status"] != store.MailSent || email["reason"] != nil {
		t.Fatalf("delivered email in the API: %v", email)
	}

	jo := e.staff("jo@council.example", false)
	jo.get("/staff/delegations/"+gone).status(200).
		see("Email could not be delivered to gone@school.example", "The mail server said: 550 5.1.1 "+smtptest.UnknownMailbox, "re-assign the delegation")
	if !strings.Contains(jo.last, `class="govuk-warning-text"`) {
		t.Error("the problem is not shown as a warning")
	}
	jo.get("/staff/delegations/" + fine).status(200)
	if strings.Contains(jo.last, "could not be delivered") {
		t.Error("a delivered email shown as undelivered")
	}
}
