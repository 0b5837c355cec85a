package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"formportal/store"
)

// TLS modes of SMTPTransport.
const (
	TLSNone     = "none"     // plain text throughout (a relay on a trusted network)
	TLSStartTLS = "starttls" // connect in plain text, then STARTTLS, which the server must offer (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// SMTPTransport delivers through an SMTP server, one connection per message.
type SMTPTransport struct {
	Host string
	// Port defaults to 587 for starttls, 465 for tls and 25 for none.
	Port int
	// Username and Password, when Username is set, authenticate with the strongest mechanism the server
	// offers. Without TLS only challenge-response mechanisms (SCRAM, CRAM-MD5) are used, never a password
	// in clear.
	Username, Password string
	// TLS is "starttls" (the default when empty), "tls" or "none".
	TLS string
	// Timeout bounds connecting and each step of the conversation; 30 seconds when zero.
	Timeout time.Duration
	// TLSConfig, when set, replaces the default (system roots, TLS 1.2 or later, ServerName = Host); for a
	// private certificate authority. ServerName is filled in from Host when empty.
	TLSConfig *tls.Config
}

// Validate checks the settings, so a misconfiguration shows at startup rather than as failed deliveries.
func (t *SMTPTransport) Validate() error {
	if strings.TrimSpace(t.Host) == "" {
		return errors.New("smtp: no host")
	}
	switch t.TLS {
	case "", TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("smtp: TLS mode %q: want none, starttls or tls", t.TLS)
	}
	if t.Port < 0 || t.Port > 65535 {
		return fmt.Errorf("smtp: port %d out of range", t.Port)
	}
	if t.Timeout < 0 {
		return fmt.Errorf("smtp: negative timeout")
	}
	return nil
}

func (t *SMTPTransport) port() int {
	switch {
	case t.Port != 0:
		return t.Port
	case t.TLS == TLSImplicit:
		return 465
	case t.TLS == TLSNone:
		return 25
	}
	return 587
}

func (t *SMTPTransport) client() (*gomail.Client, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	timeout := t.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(t.port()), gomail.WithTimeout(timeout)}
	switch t.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if t.TLSConfig != nil {
		cfg := t.TLSConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = t.Host
		}
		opts = append(opts, gomail.WithTLSConfig(cfg))
	}
	if t.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(t.Username), gomail.WithPassword(t.Password))
	}
	return gomail.NewClient(t.Host, opts...)
}

// Deliver sends one message. ctx bounds connecting; Timeout bounds each later step.
func (t *SMTPTransport) Deliver(ctx context.Context, from string, m store.Mail) error {
	msg, err := compose(from, m)
	if err != nil {
		return err
	}
	c, err := t.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s:%d: %w", t.Host, t.port(), err)
	}
	return nil
}

// IsPermanent reports whether err is a permanent (5xx) refusal by the SMTP server, such as an unknown
// mailbox, rather than an outage. The sender gives up on a permanent refusal and retries the rest.
func IsPermanent(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		return code >= 500 && code < 600
	}
	var te *textproto.Error // refusals before MAIL FROM: AUTH, EHLO
	if errors.As(err, &te) {
		return te.Code >= 500 && te.Code < 600
	}
	return false
}

// serverReply finds the server's reply in a go-mail error, which only carries it as text: the code, then
// the text quoted ("550 \"5.1.1 Mailbox unavailable\"").
var serverReply = regexp.MustCompile(`\b([2-5][0-9][0-9]) ("(?:[^"\\]|\\.)*")`)

// Reason is what to keep and show of a failed delivery: the server's own reply ("550 5.1.1 Requested
// action not taken: mailbox unavailable") when there is one, else the error.
func Reason(err error) string {
	var te *textproto.Error
	if errors.As(err, &te) {
		return strconv.Itoa(te.Code) + " " + te.Msg
	}
	if m := serverReply.FindStringSubmatch(err.Error()); m != nil {
		if text, uerr := strconv.Unquote(m[2]); uerr == nil {
			return m[1] + " " + text
		}
	}
	return err.Error()
}

// compose builds the RFC 5322 message for m: Date (when the message was queued), a Message-ID stable
// across retries (so a receiving system can spot a duplicate), From with its display name, To, Subject
// (RFC 2047 encoded when not ASCII) and a text/plain UTF-8 quoted-printable body with an HTML
// alternative of the same words. It marks the message
// as automatic (Auto-Submitted, X-Auto-Response-Suppress) so out-of-office replies are not sent back.
func compose(from string, m store.Mail) (*gomail.Msg, error) {
	sender, err := parseFrom(from)
	if err != nil {
		return nil, err
	}
	rcpt, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("recipient of mail %d: %w", m.ID, err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("subject of mail %d has a line break", m.ID)
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(sender)
	msg.ToMailAddress(rcpt)
	msg.Subject(m.Subject)
	date := m.CreatedAt
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	msg.SetMessageIDWithValue(messageID(sender.Address, m))
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	name := sender.Name
	if name == "" {
		name = sender.Address
	}
	html, err := htmlBody(name, m.Subject, m.Text, m.Lang)
	if err != nil {
		return nil, fmt.Errorf("html of mail %d: %w", m.ID, err)
	}
	msg.AddAlternativeString(gomail.TypeTextHTML, html)
	return msg, nil
}

// parseFrom reads a From value. It accepts a display name that needs quoting but is written without it
// ("St. Helens Council, Children's Services <noreply@x.example>").
func parseFrom(from string) (*netmail.Address, error) {
	from = strings.TrimSpace(from)
	if a, err := netmail.ParseAddress(from); err == nil {
		return a, nil
	}
	i, j := strings.LastIndex(from, "<"), strings.LastIndex(from, ">")
	if i >= 0 && j == len(from)-1 && j > i {
		a, err := netmail.ParseAddress(from[i+1 : j])
		if err == nil {
			a.Name = strings.Trim(strings.TrimSpace(from[:i]), `"`)
			return a, nil
		}
	}
	return nil, fmt.Errorf("from address %q: not an email address", from)
}

func messageID(fromAddr string, m store.Mail) string {
	domain := "localhost"
	if at := strings.LastIndex(fromAddr, "@"); at >= 0 && at < len(fromAddr)-1 {
		domain = fromAddr[at+1:]
	}
	return "outbox." + strconv.FormatInt(m.ID, 10) + "." + strconv.FormatInt(m.CreatedAt.UnixMilli(), 36) + "@" + domain
}
