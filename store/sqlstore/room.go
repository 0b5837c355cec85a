package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"formportal/store"
)

// minRoomBytes is the room the write probe asks for: enough for the largest save a page can send.
const minRoomBytes = 8 << 20

// WriteProbe commits a write to a one-row table and, on SQLite, checks that the database file and its
// disk have room to grow. A full disk often lets small writes through (into space the WAL already has)
// until a larger one fails: the check of the room left says so before that.
func (db *DB) WriteProbe(ctx context.Context) error {
	if _, err := db.exec(ctx, `INSERT INTO write_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at`, millis(time.Now())); err != nil {
		return fmt.Errorf("write probe: %w", err)
	}
	if db.dialect != sqlite {
		return nil
	}
	var pageSize, pages, maxPages, free int64
	for _, p := range []struct {
		pragma string
		v      *int64
	}{{"page_size", &pageSize}, {"page_count", &pages}, {"max_page_count", &maxPages}, {"freelist_count", &free}} {
		// On the writer: max_page_count is a setting of the connection.
		if err := db.writeDB.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(p.v); err != nil {
			return fmt.Errorf("write probe: %s: %w", p.pragma, err)
		}
	}
	if room := (maxPages - pages + free) * pageSize; room < minRoomBytes {
		return fmt.Errorf("write probe: %w: room for %d KB more in the database", store.ErrFull, room>>10)
	}
	if avail, ok := diskAvailable(filepath.Dir(db.path)); ok && avail < minRoomBytes {
		return fmt.Errorf("write probe: %w: %d KB free on the disk of %s", store.ErrFull, avail>>10, db.path)
	}
	return nil
}

// Secret reads the named key, making it the first time. Processes racing to make it all keep the
// first one written.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	var key []byte
	err := db.read.QueryRowContext(ctx, db.bind(`SELECT value FROM secrets WHERE name = ?`), name).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		made := make([]byte, 32)
		rand.Read(made)
		if _, err := db.exec(ctx, `INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`, name, made, millis(time.Now())); err != nil {
			return nil, fmt.Errorf("make secret %s: %w", name, err)
		}
		err = db.write.QueryRowContext(ctx, db.bind(`SELECT value FROM secrets WHERE name = ?`), name).Scan(&key)
	}
	if err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	return key, nil
}

// withFull marks an error that says the disk or the database is full as store.ErrFull.
func withFull(err error) error {
	if err == nil || errors.Is(err, store.ErrFull) || !isFull(err) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrFull, err)
}

func isFull(err error) bool {
	var se *sqlitedriver.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "53100" || strings.Contains(pe.Message, "could not extend file")) {
		return true // disk_full
	}
	return errors.Is(err, syscall.ENOSPC)
}
