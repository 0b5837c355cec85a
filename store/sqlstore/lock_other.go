//go:build !unix

package sqlstore

import (
	"errors"
	"io"
)

// ErrInUse is returned when a database file cannot be had as asked.
var ErrInUse = errors.New("the database is in use")

type noLock struct{}

func (noLock) Close() error { return nil }

// lockFile cannot lock here: a restore relies on the operator having stopped every portal.
func lockFile(string, bool) (io.Closer, error) { return noLock{}, nil }
