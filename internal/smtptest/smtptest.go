// Package smtptest runs a real SMTP server on loopback for tests, built on github.com/emersion/go-smtp. It
// keeps every message it accepts, decoded (quoted-printable or base64 bodies, RFC 2047 subjects) so tests
// can assert on text. It can be taken down and brought back to test retries, made to refuse a recipient
// for good, and slowed down.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one accepted message.
type Message struct {
	From    string   // envelope sender (MAIL FROM)
	To      []string // envelope recipients (RCPT TO)
	Header  netmail.Header
	Subject string // decoded
	Body    string // the text/plain body decoded to UTF-8 text, with line ends as \n
	HTML    string // the text/html alternative, decoded, if the message has one
	Raw     []byte // as received
	Err     error  // why the message could not be parsed, if it could not
}

// Options configure a server.
type Options struct {
	// TLS is "none" (the default), "starttls" (offer STARTTLS) or "tls" (TLS from the first byte). The
	// server's self-signed certificate is for 127.0.0.1 and localhost; trust it with RootCAs.
	TLS string
	// Username and Password, when Username is set, make the server require AUTH PLAIN with them.
	Username, Password string
}

// Server is a running test SMTP server.
type Server struct {
	srv   *smtp.Server
	host  string
	port  int
	opts  Options
	roots *x509.CertPool

	mu       sync.Mutex
	down     bool
	refused  int
	unknown  map[string]bool // recipients refused with 550
	delay    time.Duration   // before answering the end of DATA
	messages []Message
	seen     map[string]int // WaitFor's place per recipient
	changed  chan struct{}  // closed and replaced when a message arrives
}

// Start runs a plain SMTP server without authentication on 127.0.0.1; it stops when the test ends.
func Start(t testing.TB) *Server { return StartWith(t, Options{}) }

// StartWith runs a server with options; it stops when the test ends.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{opts: opts, seen: map[string]int{}, unknown: map[string]bool{}, changed: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	s.host, s.port = addr.IP.String(), addr.Port

	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	srv.ErrorLog = log.New(io.Discard, "", 0)
	switch opts.TLS {
	case "", "none":
		srv.AllowInsecureAuth = true
	case "starttls", "tls":
		cfg, roots, err := selfSigned()
		if err != nil {
			ln.Close()
			t.Fatalf("smtptest: certificate: %v", err)
		}
		s.roots = roots
		if opts.TLS == "starttls" {
			srv.TLSConfig = cfg
		} else {
			ln = tls.NewListener(ln, cfg)
		}
	default:
		ln.Close()
		t.Fatalf("smtptest: TLS mode %q: want none, starttls or tls", opts.TLS)
	}
	s.srv = srv
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		// Close only closes the listeners Serve has registered; one that has not started yet would
		// otherwise accept forever.
		ln.Close()
		<-done
	})
	return s
}

// Addr is the address the server listens on.
func (s *Server) Addr() (host string, port int) { return s.host, s.port }

// RootCAs trusts the server's certificate (nil without TLS).
func (s *Server) RootCAs() *x509.CertPool { return s.roots }

// SetDown takes the server down (true) or brings it back. While down it still answers connections but
// refuses every message with "451 4.3.0" at MAIL FROM (and at the end of DATA, for a message under way),
// which is how a relay with a failed queue or downstream behaves. Nothing refused is kept.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

// RefuseRecipient makes the server refuse the address for good at RCPT TO, with "550 5.1.1", as a server
// does for a mailbox that does not exist. Each refusal counts in Refused.
func (s *Server) RefuseRecipient(to string) {
	s.mu.Lock()
	s.unknown[strings.ToLower(to)] = true
	s.mu.Unlock()
}

// SetDelay makes the server wait d before answering the end of each message's DATA, as a slow or
// overloaded server does; the message is accepted after the wait.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Refused counts the messages refused while down, and the recipients refused for good.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Messages lists the accepted messages, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Count is how many accepted messages had to among their recipients.
func (s *Server) Count(to string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.messages {
		if hasRcpt(m, to) {
			n++
		}
	}
	return n
}

// WaitFor returns the next message to the address not yet returned by WaitFor, waiting for it up to
// timeout; it fails the test if none arrives.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Message {
	t.Helper()
	key := strings.ToLower(to)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for i := s.seen[key]; i < len(s.messages); i++ {
			if hasRcpt(s.messages[i], to) {
				s.seen[key] = i + 1
				m := s.messages[i]
				s.mu.Unlock()
				return m
			}
		}
		s.seen[key] = len(s.messages)
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("smtptest: no message to %s within %v", to, timeout)
			return Message{}
		}
	}
}

func hasRcpt(m Message, to string) bool {
	for _, r := range m.To {
		if strings.EqualFold(r, to) {
			return true
		}
	}
	return false
}

var errDown = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Mail server temporarily unavailable, try again later"}

func (s *Server) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		s.refused++
	}
	return s.down
}

func (s *Server) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.changed)
	s.changed = make(chan struct{})
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || ss.s.opts.Username == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != ss.s.opts.Username || password != ss.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if ss.s.isDown() {
		return errDown
	}
	ss.from = from
	return nil
}

// UnknownMailbox is the reply to a recipient refused with RefuseRecipient.
const UnknownMailbox = "Requested action not taken: mailbox unavailable"

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	unknown := ss.s.unknown[strings.ToLower(to)]
	if unknown {
		ss.s.refused++
	}
	ss.s.mu.Unlock()
	if unknown {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: UnknownMailbox}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	delay := ss.s.delay
	ss.s.mu.Unlock()
	time.Sleep(delay)
	if ss.s.isDown() {
		return errDown
	}
	m := parse(raw)
	m.From, m.To = ss.from, append([]string(nil), ss.to...)
	ss.s.add(m)
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// parse decodes a raw message's subject and text body.
func parse(raw []byte) Message {
	m := Message{Raw: raw}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.Err = err
		return m
	}
	m.Header = msg.Header
	dec := &mime.WordDecoder{}
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		m.Err = fmt.Errorf("subject: %w", err)
	}
	body, err := textBody(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, "text/plain")
	if err != nil && m.Err == nil {
		m.Err = fmt.Errorf("body: %w", err)
	}
	m.Body = strings.ReplaceAll(body, "\r\n", "\n")
	if again, err := netmail.ReadMessage(bytes.NewReader(raw)); err == nil {
		html, _ := textBody(again.Header.Get("Content-Type"), again.Header.Get("Content-Transfer-Encoding"), again.Body, "text/html")
		m.HTML = strings.ReplaceAll(html, "\r\n", "\n")
	}
	return m
}

var errNotText = errors.New("not the media type asked for")

// textBody reads the first part of a message (or the message itself) of the media type want.
func textBody(contentType, encoding string, r io.Reader, want string) (string, error) {
	mediaType, params := "text/plain", map[string]string{}
	if contentType != "" {
		var err error
		if mediaType, params, err = mime.ParseMediaType(contentType); err != nil {
			return "", err
		}
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				if errors.Is(err, io.EOF) {
					return "", errors.New("no " + want + " part")
				}
				return "", err
			}
			// NextPart decodes quoted-printable itself and drops the header.
			body, err := textBody(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, want)
			if !errors.Is(err, errNotText) {
				return body, err
			}
		}
	}
	if mediaType != want {
		return "", fmt.Errorf("%s: %w", mediaType, errNotText)
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		return "", fmt.Errorf("charset %s not supported", cs)
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, and a pool trusting it.
func selfSigned() (*tls.Config, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "smtptest " + strconv.FormatInt(serial.Int64(), 36)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	cfg := &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}
	return cfg, roots, nil
}
