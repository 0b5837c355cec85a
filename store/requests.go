package store

import (
	"context"
	"time"
)

// Request is one form (or the same delegable sections of it) sent for one family to several
// professionals at once: the council's ask of every agency involved. Each professional's contribution is
// a delegation of its own (a Response whose request it is); the request itself holds no child's details,
// only what groups them, so it needs no sealing and outlives nothing it should not.
type Request struct {
	ID          string
	FormID      string
	FormVersion int
	Sections    []string // delegated sections; empty means the whole form
	CreatedBy   string   // a member of staff's email address, or "api:" and a key's name
	CreatedAt   time.Time
}

// Requests are the multi-agency requests and which delegations belong to each.
type Requests interface {
	// CreateRequest stores a new request.
	CreateRequest(ctx context.Context, q *Request) error
	// Request reads one request; ErrNotFound when there is none.
	Request(ctx context.Context, id string) (*Request, error)
	// ListRequests lists up to limit requests, newest first.
	ListRequests(ctx context.Context, limit int) ([]Request, error)
	// AddToRequest makes a response one of a request's delegations; ErrNotFound when the response is gone.
	AddToRequest(ctx context.Context, requestID, responseID string) error
	// RequestResponses lists a request's delegations in the order they were added to it.
	RequestResponses(ctx context.Context, requestID string) ([]*Response, error)
}
