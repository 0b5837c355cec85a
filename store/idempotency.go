package store

import (
	"context"
	"time"
)

// IdempotentAnswer is the first answer to a POST of the API made with an Idempotency-Key, kept so that a
// retry with the same key gets it again instead of making the change twice.
type IdempotentAnswer struct {
	Key         string // the API key's id, a colon, and the client's Idempotency-Key
	Fingerprint string // what was asked: the SHA-256 of the method, path and body
	Status      int
	Location    string
	ETag        string
	Body        []byte
	CreatedAt   time.Time
}

// Idempotency keeps the API's idempotent answers.
type Idempotency interface {
	// SaveIdempotentAnswer keeps an answer; ErrConflict when its key has one already.
	SaveIdempotentAnswer(ctx context.Context, a *IdempotentAnswer) error
	// IdempotentAnswer is the answer kept under key; ErrNotFound when there is none.
	IdempotentAnswer(ctx context.Context, key string) (*IdempotentAnswer, error)
	// DeleteIdempotentAnswersBefore forgets the answers kept before a time.
	DeleteIdempotentAnswersBefore(ctx context.Context, before time.Time) (int, error)
}
