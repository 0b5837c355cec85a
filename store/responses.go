package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ErrStale is returned when a response changed since it was read (another tab, another process).
var ErrStale = errors.New("changed since it was read")

// Kind is what a response is.
type Kind string

// Response kinds.
const (
	KindDelegation Kind = "delegation"
	KindReferral   Kind = "referral"
)

// Status is where a response is in its life; casework holds the transitions between them.
type Status string

// Response statuses.
const (
	StatusDraft      Status = "draft"       // a referral being written
	StatusSent       Status = "sent"        // a delegation not yet opened
	StatusOpened     Status = "opened"      // the professional has looked at it
	StatusInProgress Status = "in-progress" // answers saved
	StatusSubmitted  Status = "submitted"
	StatusReturned   Status = "returned" // sent back for more information
	StatusRetracted  Status = "retracted"
	StatusSuperseded Status = "superseded" // a submission returned for more information: the "Previous Form"
)

// Response is one filling-in of a form: a delegation to a professional, or a user's referral.
type Response struct {
	ID            string
	Kind          Kind
	FormID        string
	FormVersion   int      // the published version of the form it was started with (0: made before versions were kept)
	Sections      []string // delegated sections; empty means the whole form
	OwnerEmail    string   // a delegation's professional
	OwnerUserID   string   // a referral's author
	OwnerName     string
	OwnerOrg      string
	CaseData      json.RawMessage
	Answers       json.RawMessage // the draft, as typed
	Submission    json.RawMessage // the cleaned answers, once submitted
	Status        Status
	DueDate       string // YYYY-MM-DD or ""
	Comments      string
	Reference     string
	ReturnReason  string
	ReturnComment string
	PreviousID    string // the earlier submission this one replaces
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	SubmittedAt   time.Time
	// FetchedAt is when the case system first fetched the submission through the API (MarkFetched); zero
	// until then, and earlier than SubmittedAt when only an earlier submission was fetched. Retention
	// counts a submission's period from it.
	FetchedAt time.Time
	// AnonymisedAt is when the response's sensitive answers were cleared at the end of its retention.
	AnonymisedAt time.Time

	// ListSeq is the response's place in the order in which responses took their status, set by the
	// store: ListResponsesAfter pages by it.
	ListSeq int64
}

// Event is one entry of a response's history.
type Event struct {
	ID         string
	ResponseID string
	At         time.Time
	Kind       string // created, opened, saved, submitted, retracted, reassigned, returned, resubmitted
	Actor      string
	Detail     string
}

// Attachment is an uploaded document.
type Attachment struct {
	ID         string
	ResponseID string
	FieldID    string
	Name       string
	Kind       string // pdf, word, image, text
	MediaType  string
	Size       int64
	Content    []byte
	CreatedAt  time.Time
}

// APIKey is a back-office key, kept as a hash.
type APIKey struct {
	ID        string
	Name      string // unique; the audit log names the key by it
	Hash      string
	Scope     Scope
	CreatedAt time.Time
	ExpiresAt time.Time // every key has an expiry
	RevokedAt time.Time // zero unless revoked
}

// Scope is what an API key may do.
type Scope string

// API key scopes.
const (
	ScopeReadOnly  Scope = "read-only"  // reads only: every POST is refused
	ScopeReadWrite Scope = "read-write" // reads and changes
)

// AutoReply is a professional's out-of-office message.
type AutoReply struct {
	ID        string
	UserID    string
	StartsOn  string // YYYY-MM-DD
	EndsOn    string
	Message   string
	CreatedAt time.Time
}

// ResponseFilter selects responses; empty fields match anything.
type ResponseFilter struct {
	Kind        Kind
	FormID      string
	OwnerEmail  string
	OwnerUserID string
	Statuses    []Status
	UpdatedFrom time.Time
	Limit       int

	// SubmittedFrom keeps responses submitted (or submitted again after a return) at or after it.
	SubmittedFrom time.Time

	// For retention: responses last changed or started before a time, whose latest submission the case
	// system first fetched before a time, and not anonymised yet.
	UpdatedBefore time.Time
	CreatedBefore time.Time
	FetchedBefore time.Time
	NotAnonymised bool
}

// Responses is the part of the store that keeps forms being filled in.
type Responses interface {
	CreateResponse(ctx context.Context, r *Response, ev *Event) error
	Response(ctx context.Context, id string) (*Response, error)
	// ResponseHolding reads a response as Response does, for a reader already holding the answers of
	// version held: when that is still the stored version, Answers is nil, neither read nor unsealed
	// (a chronology's are a megabyte).
	ResponseHolding(ctx context.Context, id string, held int) (*Response, error)
	// ResponseHead reads a response's head alone: its ID, Kind, FormID, FormVersion, OwnerEmail,
	// OwnerUserID, Status and Version, no payload read or unsealed. It is what deciding who may see a
	// response needs, and whether a page drawn of a version still shows it (every change, to the head or
	// the payloads, is a new version).
	ResponseHead(ctx context.Context, id string) (*Response, error)
	// UpdateResponse saves r if its Version is still the stored one (else ErrStale), adds the event, and
	// bumps r.Version.
	UpdateResponse(ctx context.Context, r *Response, ev *Event) error
	ListResponses(ctx context.Context, f ResponseFilter) ([]*Response, error)
	// ListResponsesAfter lists up to f.Limit responses matching f in the order they took their status,
	// from just after the place after (0 for the start; carry on from the last one's ListSeq). A response
	// is placed again when it changes status, so a reader that follows the places sees each response
	// once each time it enters f.Statuses, including responses written while it reads.
	ListResponsesAfter(ctx context.Context, f ResponseFilter, after int64) ([]*Response, error)
	Events(ctx context.Context, responseID string) ([]Event, error)
	// DeleteResponse removes a response with its history and documents if its Version is still the one
	// read (else ErrStale: it was saved meanwhile); ErrNotFound when it is gone.
	DeleteResponse(ctx context.Context, id string, version int) error
	// MarkFetched records that the case system fetched these responses at a time, for those whose latest
	// submission it had not fetched before: the first fetch of a submission stays.
	MarkFetched(ctx context.Context, ids []string, at time.Time) error

	AddAttachment(ctx context.Context, a *Attachment) error
	Attachment(ctx context.Context, id string) (*Attachment, error)
	// AttachmentsOf lists a response's documents without their content, oldest first.
	AttachmentsOf(ctx context.Context, responseID string) ([]Attachment, error)
	DeleteAttachment(ctx context.Context, id string) error
	// DeleteAttachmentsOf removes every document of a response and returns how many went.
	DeleteAttachmentsOf(ctx context.Context, responseID string) (int, error)
	CopyAttachments(ctx context.Context, fromResponse, toResponse string) error

	SaveAutoReply(ctx context.Context, a *AutoReply) error
	AutoReplies(ctx context.Context, userID string) ([]AutoReply, error)
	DeleteAutoReply(ctx context.Context, userID, id string) error
}

// APIKeys are the back-office API's keys.
type APIKeys interface {
	// CreateAPIKey stores a key; ErrConflict when its name is taken, even by a revoked key.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyByHash finds a key, revoked and expired ones included: the caller decides and says why.
	APIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// APIKeys lists every key, oldest first.
	APIKeys(ctx context.Context) ([]APIKey, error)
	// RevokeAPIKey revokes a key at a time; ErrNotFound when there is no such key or it is already revoked.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
}

// FormVersion is a published version of a form definition: immutable once stored.
type FormVersion struct {
	FormID      string
	Version     int
	Hash        string // of the definition's content (engine.Form.Hash)
	Definition  []byte // the YAML file as published
	PublishedAt time.Time
	PublishedBy string // who or what published it: "portal start", "portal forms publish", a person's email
}

// FormVersionKey names one published version of a form.
type FormVersionKey struct {
	FormID  string
	Version int
}

// FormVersions are the published versions of the forms.
type FormVersions interface {
	// PublishFormVersion stores a published version; ErrConflict when the form already has that version
	// (whatever its content: the caller compares hashes). It does not break an enclosing transaction.
	PublishFormVersion(ctx context.Context, v *FormVersion) error
	// FormVersions lists every published version, by form id and then version.
	FormVersions(ctx context.Context) ([]FormVersion, error)
	// LatestFormVersions is each form's latest published version, by form id: a cheap look for new ones.
	LatestFormVersions(ctx context.Context) (map[string]int, error)
	// AdoptUnversionedResponses gives responses of a form made before versions were kept (FormVersion 0)
	// the version, and says how many there were.
	AdoptUnversionedResponses(ctx context.Context, formID string, version int) (int, error)
	// CountResponsesByFormVersion counts the responses in any of the statuses, by form id and version.
	CountResponsesByFormVersion(ctx context.Context, statuses []Status) (map[FormVersionKey]int, error)
}
