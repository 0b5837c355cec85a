package smtptest_test

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"formportal/internal/smtptest"
)

func send(t *testing.T, srv *smtptest.Server, from string, to []string, raw string) error {
	t.Helper()
	host, port := srv.Addr()
	return smtp.SendMail(net.JoinHostPort(host, strconv.Itoa(port)), nil, from, to, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
}

const qpMessage = `From: Portal <noreply@council.example>
To: a@school.example
Subject: =?utf-8?q?Caf=C3=A9_referral?=
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

R=C3=A9f=C3=A9rence =3D 42, a long line that goes on and on and on and on an=
d on.
`

func TestDecodesQuotedPrintable(t *testing.T) {
	srv := smtptest.Start(t)
	if err := send(t, srv, "noreply@council.example", []string{"a@school.example"}, qpMessage); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, "A@School.example", 5*time.Second)
	if m.Err != nil {
		t.Fatal(m.Err)
	}
	if m.From != "noreply@council.example" || len(m.To) != 1 || m.To[0] != "a@school.example" {
		t.Errorf("envelope %q %q", m.From, m.To)
	}
	if m.Subject != "Café referral" {
		t.Errorf("subject %q", m.Subject)
	}
	if want := "Référence = 42, a long line that goes on and on and on and on and on.\n"; m.Body != want {
		t.Errorf("body %q, want %q", m.Body, want)
	}
	if !strings.Contains(string(m.Raw), "=C3=A9") || m.Header.Get("From") != "Portal <noreply@council.example>" {
		t.Errorf("raw message not kept: %s", m.Raw)
	}
}

func TestDecodesBase64AndMultipart(t *testing.T) {
	srv := smtptest.Start(t)
	b64 := "Subject: plain\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\nSMOpbGxvLAp3b3JsZA==\n"
	multi := `Subject: multi
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/html; charset=utf-8

<p>ignored</p>
--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

na=C3=AFve
--b1--
`
	for _, raw := range []string{b64, multi} {
		if err := send(t, srv, "x@council.example", []string{"b@school.example"}, raw); err != nil {
			t.Fatal(err)
		}
	}
	if m := srv.WaitFor(t, "b@school.example", 5*time.Second); m.Err != nil || m.Body != "Héllo,\nworld" {
		t.Errorf("base64: %q, %v", m.Body, m.Err)
	}
	if m := srv.WaitFor(t, "b@school.example", 5*time.Second); m.Err != nil || m.Body != "naïve" {
		t.Errorf("multipart: %q, %v", m.Body, m.Err)
	}
}

func TestDownRefusesWithTransientError(t *testing.T) {
	srv := smtptest.Start(t)
	srv.SetDown(true)
	err := send(t, srv, "x@council.example", []string{"c@school.example"}, "Subject: one\n\nbody\n")
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 451 {
		t.Fatalf("while down: %v, want a 451", err)
	}
	if srv.Refused() != 1 || len(srv.Messages()) != 0 {
		t.Fatalf("refused %d, kept %d", srv.Refused(), len(srv.Messages()))
	}
	srv.SetDown(false)
	if err := send(t, srv, "x@council.example", []string{"c@school.example", "d@school.example"}, "Subject: two\n\nbody\n"); err != nil {
		t.Fatal(err)
	}
	if srv.Count("c@school.example") != 1 || srv.Count("d@school.example") != 1 || len(srv.Messages()) != 1 {
		t.Errorf("after recovery: %+v", srv.Messages())
	}
}

// recorder stands in for a test, to see WaitFor fail.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestWaitForTakesEachMessageOnceAndTimesOut(t *testing.T) {
	srv := smtptest.Start(t)
	go func() {
		time.Sleep(50 * time.Millisecond)
		send(t, srv, "x@council.example", []string{"e@school.example"}, "Subject: late\n\nbody\n")
	}()
	if m := srv.WaitFor(t, "e@school.example", 5*time.Second); m.Subject != "late" {
		t.Errorf("subject %q", m.Subject)
	}
	r := &recorder{TB: t}
	srv.WaitFor(r, "e@school.example", 100*time.Millisecond)
	if !strings.Contains(r.failed, "no message to e@school.example") {
		t.Errorf("a second WaitFor returned the same message again (failure %q)", r.failed)
	}
}

func TestTLSAndAuth(t *testing.T) {
	srv := smtptest.StartWith(t, smtptest.Options{TLS: "starttls", Username: "portal", Password: "s3cret"})
	host, port := srv.Addr()
	c, err := smtp.Dial(net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("x@council.example"); err == nil {
		t.Fatal("accepted mail without authentication")
	}
	if err := c.StartTLS(&tls.Config{ServerName: host, RootCAs: srv.RootCAs()}); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", "portal", "s3cret", host)); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("x@council.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("f@school.example"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(w, "Subject: secure\r\n\r\nbody\r\n")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if m := srv.WaitFor(t, "f@school.example", 5*time.Second); m.Subject != "secure" {
		t.Errorf("subject %q", m.Subject)
	}
}

func TestRefusesRecipientForGoodAndSlowsDown(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RefuseRecipient("Gone@School.example")
	err := send(t, srv, "noreply@council.example", []string{"gone@school.example"}, "Subject: s\n\nbody\n")
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 550 || !strings.Contains(te.Msg, "5.1.1 "+smtptest.UnknownMailbox) {
		t.Fatalf("refused recipient: %v", err)
	}
	if srv.Refused() != 1 || len(srv.Messages()) != 0 {
		t.Fatalf("%d refused, %d accepted", srv.Refused(), len(srv.Messages()))
	}
	srv.SetDelay(300 * time.Millisecond)
	start := time.Now()
	if err := send(t, srv, "noreply@council.example", []string{"a@school.example"}, "Subject: s\n\nbody\n"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("answered after %v, want at least the delay", d)
	}
	if srv.Count("a@school.example") != 1 {
		t.Error("a slow server still accepts the message")
	}
}
