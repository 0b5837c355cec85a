// Package store defines what the portal keeps and the interface every storage backend implements. The
// handlers depend on this interface only; sqlstore implements it on SQLite (the default) and PostgreSQL.
package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"
)

// NewID is a random identifier for a record: 128 bits, hex.
func NewID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

var (
	// ErrNotFound is returned when a record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned when a record would break a uniqueness rule (an email address already used).
	ErrConflict = errors.New("conflict")
	// ErrFull is returned when the store has no room for a write: a full disk, or a database at its size
	// limit. Reads still work, and nothing already written is lost.
	ErrFull = errors.New("store is full")
)

// User is a person with an account: a professional or a member of the public.
type User struct {
	ID              string
	Email           string // lower case; unique
	Forename        string
	Surname         string
	Organisation    string
	Phone           string
	PasswordHash    string
	Role            string    // "" for professionals and the public; RoleStaff or RoleAdmin for council staff
	EmailVerifiedAt time.Time // when the emailed code was entered (zero only for accounts made before pending registrations)
	TermsAcceptedAt time.Time // zero until the terms are accepted
	CreatedAt       time.Time
	// MustChangePassword is set for the first password `portal staff create` prints: it is changed at the
	// first sign-in, before anything else.
	MustChangePassword bool
	DisabledAt         time.Time // when an admin disabled the account; zero while it may sign in
	TOTPSecret         string    // the authenticator app's shared secret (base32); "" until set up
	// Lang is the language the person chose for the service's pages and emails ("en", "cy"); "" until
	// they choose one, when English is used.
	Lang string
}

// Roles of council staff.
const (
	RoleStaff = "staff" // uses the staff console
	RoleAdmin = "admin" // and reads the audit log
)

// IsStaff reports whether the user works for the council.
func (u *User) IsStaff() bool { return u.Role == RoleStaff || u.Role == RoleAdmin }

// Disabled reports whether an admin has disabled the account.
func (u *User) Disabled() bool { return !u.DisabledAt.IsZero() }

// AuditEntry records who saw or changed what.
type AuditEntry struct {
	Seq    int64 // the entry's place in the log, set by the store
	At     time.Time
	Actor  string // a person's email address, or "api:" and the name of an API key
	Action string
	Target string // the response (delegation or referral) it is about, if any
	Detail string
}

// AuditFilter selects entries of the audit log; empty fields match anything.
type AuditFilter struct {
	Actor  string    // exactly this actor
	Record string    // entries about the response with this id, or about every response with this reference
	From   time.Time // at or after
	To     time.Time // before
	Before int64     // entries placed before this Seq: the next page after an entry
	Limit  int       // at most this many; required
}

// Name is the user's full name.
func (u *User) Name() string { return u.Forename + " " + u.Surname }

// Session is a browser's session. ID is the SHA-256 of the cookie token, so a leaked database does not
// leak live sessions.
type Session struct {
	ID         string
	UserID     string // empty before login
	CSRFToken  string
	Data       map[string]string // small per-session state: registration progress, the page to return to
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// PendingRegistration is a registration waiting for its emailed code. It becomes an account only when
// the code is entered, so nobody's registration changes anybody's account; an address can have several.
type PendingRegistration struct {
	ID           string
	Email        string // lower case
	Forename     string
	Surname      string
	PasswordHash string
	CreatedAt    time.Time
}

// Code purposes.
const (
	CodeVerifyEmail   = "verify-email"
	CodeResetPassword = "reset-password"
	CodeSignIn        = "sign-in"
)

// Code is an emailed one-time code, kept only as a hash.
type Code struct {
	ID        string
	Subject   string // the user, or the pending registration, it was sent for
	Purpose   string
	Hash      string
	Tries     int
	ExpiresAt time.Time
	UsedAt    time.Time
	CreatedAt time.Time
}

// RecoveryCode is one of the single-use codes that stand in for the authenticator app, kept only as a
// salted hash.
type RecoveryCode struct {
	ID        string
	UserID    string
	Salt      string
	Hash      string
	UsedAt    time.Time
	CreatedAt time.Time
}

// Device is a browser remembered after a sign-in code. ID is the SHA-256 of the cookie's random token.
type Device struct {
	ID        string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Mail is a message in the outbox. It stays until sent or given up; the sender retries with back-off.
type Mail struct {
	ID            int64
	To            string
	Subject       string
	Text          string
	Lang          string // the language it is written in ("en", "cy"; "" is English), said in its HTML part
	ResponseID    string // the delegation or referral the message is about, if any
	CreatedAt     time.Time
	Attempts      int
	NextAttemptAt time.Time
	SentAt        time.Time
	FailedAt      time.Time // when the sender gave up: refused for good by the server, or too old
	LastError     string    // the last failure; for an undeliverable message, why
}

// Delivery states of a Mail.
const (
	MailQueued        = "queued"
	MailSent          = "sent"
	MailUndeliverable = "undeliverable"
)

// Status is the message's delivery state.
func (m *Mail) Status() string {
	switch {
	case !m.SentAt.IsZero():
		return MailSent
	case !m.FailedAt.IsZero():
		return MailUndeliverable
	}
	return MailQueued
}

// Store is everything the portal keeps. Every method is safe for concurrent use and every write is durable
// when it returns.
type Store interface {
	Data
	// InTx runs fn on a view of the store in which every read and write is one transaction: they commit
	// together when fn returns nil and not at all when it returns an error. Calls on tx must not outlive fn.
	InTx(ctx context.Context, fn func(tx Data) error) error
	Ping(ctx context.Context) error
	// WriteProbe checks that the store can take a write now: it commits a write of its own and, where
	// the database can tell, checks that it has room to grow. ErrFull when it has not.
	WriteProbe(ctx context.Context) error
	Close() error
}

// Data is every kept record, by consumer. Inside InTx the same methods run in the transaction.
type Data interface {
	Accounts
	Registrations
	Sessions
	Codes
	SecondFactors
	Responses
	Outbox
	AuditLog
	APIKeys
	Idempotency
	Webhooks
	FormVersions
	Requests     // multi-agency requests (issue 17)
	Reminders    // reminders.go
	ReturnRounds // returnrounds.go
}

// Accounts are the people who sign in.
type Accounts interface {
	CreateUser(ctx context.Context, u *User) error // ErrConflict when the email address is taken
	UserByID(ctx context.Context, id string) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	UpdateUser(ctx context.Context, u *User) error
	DeleteUser(ctx context.Context, id string) error
	// ListStaff lists the council staff accounts, by email address.
	ListStaff(ctx context.Context) ([]User, error)
	// SetUserLang keeps the language a person chose (welsh18), changing nothing else of the account, so
	// switching language never undoes a change made meanwhile in another tab.
	SetUserLang(ctx context.Context, id, lang string) error
}

// Registrations are the registrations waiting for their emailed code.
type Registrations interface {
	CreatePendingRegistration(ctx context.Context, p *PendingRegistration) error
	PendingRegistrationByID(ctx context.Context, id string) (*PendingRegistration, error)
	// CompleteRegistration makes the account of a pending registration, verified at, and discards every
	// pending registration of its address, in one transaction. ErrConflict when the address has an account
	// already; ErrNotFound when the pending registration is gone.
	CompleteRegistration(ctx context.Context, pendingID, userID string, at time.Time) (*User, error)
	DeletePendingRegistrationsBefore(ctx context.Context, createdBefore time.Time) (int, error)
}

// Sessions are browsers' sessions.
type Sessions interface {
	CreateSession(ctx context.Context, s *Session) error
	SessionByID(ctx context.Context, id string) (*Session, error)
	// SessionWithUser is SessionByID with its signed-in user, as every request needs both: the user is nil
	// for an anonymous session, or one whose account has gone. Both are as stored at the moment of the
	// call, whoever changed them: a store may keep what it read, but only while it can tell it is unchanged.
	SessionWithUser(ctx context.Context, id string) (*Session, *User, error)
	UpdateSession(ctx context.Context, s *Session) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of a user except one (the one making the change), or all when
	// except is empty.
	DeleteUserSessions(ctx context.Context, userID, except string) error
	// DeleteExpiredSessions removes signed-in sessions idle since before idleBefore, anonymous ones idle
	// since before anonymousIdleBefore, and any created before createdBefore.
	DeleteExpiredSessions(ctx context.Context, idleBefore, anonymousIdleBefore, createdBefore time.Time) (int, error)
	// Secret is a random 32-byte key of this name, made on first use and the same for every portal process
	// sharing the store: it signs what a visitor without a session carries.
	Secret(ctx context.Context, name string) ([]byte, error)
}

// Codes are emailed one-time codes and the attempts that rate-limit them and sign-ins.
type Codes interface {
	// CreateCode stores a new code and retires any earlier unused code of the same subject and purpose.
	CreateCode(ctx context.Context, c *Code) error
	LatestCode(ctx context.Context, subject, purpose string) (*Code, error)
	UpdateCode(ctx context.Context, c *Code) error
	DeleteCodesExpiredBefore(ctx context.Context, before time.Time) (int, error)

	// RecordAttempt and CountAttempts rate-limit by key (an account, an address).
	RecordAttempt(ctx context.Context, key string, at time.Time) error
	CountAttempts(ctx context.Context, key string, since time.Time) (int, error)
}

// SecondFactors are what proves a sign-in besides the password: the authenticator app's time steps,
// recovery codes, and browsers remembered after an emailed code.
type SecondFactors interface {
	// UseTOTPStep records that a user's authenticator code of a time step was accepted; ErrConflict when
	// that step or a later one was used already, so a code works once.
	UseTOTPStep(ctx context.Context, userID string, step int64) error
	// SetRecoveryCodes replaces a user's recovery codes.
	SetRecoveryCodes(ctx context.Context, userID string, codes []RecoveryCode) error
	// RecoveryCodes lists a user's recovery codes, used ones included.
	RecoveryCodes(ctx context.Context, userID string) ([]RecoveryCode, error)
	// UseRecoveryCode marks a code used; ErrNotFound when it is gone or was used already.
	UseRecoveryCode(ctx context.Context, id string, at time.Time) error

	CreateDevice(ctx context.Context, d *Device) error
	DeviceByID(ctx context.Context, id string) (*Device, error)
	// DeleteUserDevices forgets every browser remembered for a user.
	DeleteUserDevices(ctx context.Context, userID string) error
	DeleteDevicesExpiredBefore(ctx context.Context, before time.Time) (int, error)
}

// AuditLog records who saw or changed what.
type AuditLog interface {
	Audit(ctx context.Context, e AuditEntry) error
	// AuditLog lists the entries f selects, newest first.
	AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// DeleteAuditBefore removes the entries made before a time: the end of the log's retention.
	DeleteAuditBefore(ctx context.Context, before time.Time) (int, error)
}

// Outbox is the durable queue of email.
type Outbox interface {
	EnqueueMail(ctx context.Context, m *Mail) error
	// ClaimDueMail takes up to limit unsent messages due by now and hides them from other senders for
	// lease, so several portal processes can share one outbox.
	ClaimDueMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Mail, error)
	// RenewMailLease hides claimed messages still unsent from other senders until until: the claimant is
	// alive and still at work on them.
	RenewMailLease(ctx context.Context, ids []int64, until time.Time) error
	MarkMailSent(ctx context.Context, id int64, at time.Time) error
	MarkMailFailed(ctx context.Context, id int64, next time.Time, reason string) error
	// MarkMailUndeliverable gives up on a message: it is never claimed again, and reason says why.
	MarkMailUndeliverable(ctx context.Context, id int64, at time.Time, reason string) error
	// MailAbout lists the messages about a response, newest first.
	MailAbout(ctx context.Context, responseID string) ([]Mail, error)
	// RecentMail lists the newest messages first, sent or not: the dev mailbox.
	RecentMail(ctx context.Context, limit int) ([]Mail, error)
	// ClearMailBodiesBefore empties the text of messages sent, or given up on, before a time (sign-in
	// codes among them): who was sent what subject when stays, for staff and the audit.
	ClearMailBodiesBefore(ctx context.Context, before time.Time) (int, error)
	// DeleteMailBefore removes messages sent, or given up on, before a time; queued ones stay.
	DeleteMailBefore(ctx context.Context, before time.Time) (int, error)
	// MailTo lists the messages to an address, newest first: a subject access request.
	MailTo(ctx context.Context, to string) ([]Mail, error)
}
