package casework

import (
	"context"
	"errors"
	"fmt"

	"formportal/store"
)

// What a caller adds to the transaction of a change, through the change's context: the API's If-Match
// (IfVersion) and its idempotent answers (Within).

type withinKey struct{}
type versionKey struct{}

// Within makes fn part of the transaction of the change made with the returned context: it runs after
// the change is written, with the response the change answers with (a returned referral's reopened
// copy), and the change commits only when fn returns nil.
func Within(ctx context.Context, fn func(tx store.Data, r *store.Response) error) context.Context {
	return context.WithValue(ctx, withinKey{}, fn)
}

// IfVersion makes the change made with the returned context happen only while the response's version
// is still v; a *VersionError otherwise.
func IfVersion(ctx context.Context, v int) context.Context {
	return context.WithValue(ctx, versionKey{}, v)
}

// ErrVersion is what every VersionError is.
var ErrVersion = errors.New("the response has changed")

// VersionError says a change was asked of a version of the response that is no longer the current one.
type VersionError struct {
	Want, Current int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("the response has changed since version %d: it is at version %d", e.Want, e.Current)
}

func (e *VersionError) Unwrap() error { return ErrVersion }

// checkVersion is IfVersion's check, on the response as read in the change's transaction.
func checkVersion(ctx context.Context, r *store.Response) error {
	if v, ok := ctx.Value(versionKey{}).(int); ok && r.Version != v {
		return &VersionError{Want: v, Current: r.Version}
	}
	return nil
}

// within runs the caller's part of the transaction, if any.
func within(ctx context.Context, tx store.Data, r *store.Response) error {
	if fn, ok := ctx.Value(withinKey{}).(func(tx store.Data, r *store.Response) error); ok {
		return fn(tx, r)
	}
	return nil
}
