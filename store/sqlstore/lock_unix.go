//go:build unix

package sqlstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// ErrInUse is returned when a database file cannot be had as asked: a restore is replacing it, or (for a
// restore) a portal process has it open.
var ErrInUse = errors.New("the database is in use")

// lockFile takes the lock beside the SQLite database at abs (abs + ".lock"): shared for every process
// that opens the database, exclusive for a restore, which replaces the file. Neither waits.
func lockFile(abs string, exclusive bool) (io.Closer, error) {
	f, err := os.OpenFile(abs+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", abs, err)
	}
	how, who := syscall.LOCK_SH, "a restore is replacing it"
	if exclusive {
		how, who = syscall.LOCK_EX, "a portal process has it open: stop every portal (and command) using it first"
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w: %s", abs, ErrInUse, who)
		}
		return nil, fmt.Errorf("lock %s: %w", abs, err)
	}
	return f, nil // closing the file releases the lock
}
