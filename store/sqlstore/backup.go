package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// ErrNotSQLite is returned by Backup on PostgreSQL, which its own tools back up (README: Backups).
var ErrNotSQLite = errors.New("backups of PostgreSQL are made with PostgreSQL's own tools (pg_basebackup and WAL archiving for point-in-time recovery, or pg_dump)")

// Backup writes a consistent copy of the SQLite database to dest while the portal keeps serving: VACUUM
// INTO reads one snapshot, so the copy holds every transaction committed before it began and none of
// those after. The copy is written beside dest, readable by this user only, synced, checked and only
// then renamed to dest, so dest is whole or absent. dest must not exist.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if db.dialect != sqlite {
		return ErrNotSQLite
	}
	dest, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if dest == db.path {
		return fmt.Errorf("backup: %s is the database itself", dest)
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("backup: %s exists: give a new file name", dest)
	}
	partial := dest + ".partial"
	if err := os.Remove(partial); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	// A connection of its own: the readers' are query-only, which VACUUM INTO is not, and the writer's
	// would hold the portal's writes back for the length of the copy. Writes carry on beside it.
	conn, err := sql.Open("sqlite", sqliteDSN(db.path))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, partial)
	conn.Close()
	if err != nil {
		os.Remove(partial)
		return fmt.Errorf("backup to %s: %w", dest, withFull(err))
	}
	if err := os.Chmod(partial, 0o600); err != nil { // children's records: the portal's user only
		os.Remove(partial)
		return fmt.Errorf("backup: %w", err)
	}
	if err := checkCopy(ctx, partial); err != nil {
		os.Remove(partial)
		return fmt.Errorf("backup to %s: the copy is not sound: %w", dest, err)
	}
	if err := syncFile(partial); err != nil {
		os.Remove(partial)
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(partial, dest); err != nil {
		os.Remove(partial)
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(dest))
}

// checkCopy opens a copy of the database read-only and checks it: SQLite's integrity check, and
// migrations this portal knows.
func checkCopy(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	conn, err := sql.Open("sqlite", "file:"+(&url.URL{Path: abs}).EscapedPath()+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	copied := newDB(sqlite, conn, conn)
	if err := copied.IntegrityCheck(ctx); err != nil {
		return err
	}
	st, err := copied.migrationStatus(ctx)
	if err != nil {
		return err
	}
	if len(st.Applied) == 0 {
		return errors.New("it holds no portal database")
	}
	return st.newer()
}

// RestoreSQLite replaces the SQLite database at path with the backup at backup. No portal process may
// have the database open (its lock says so), and none can open it during the restore. The backup is
// checked first; the database it replaces is kept beside it, its WAL folded in, as
// path.before-restore-TIME, which RestoreSQLite returns ("" when there was none).
func RestoreSQLite(ctx context.Context, backup, path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := checkCopy(ctx, backup); err != nil {
		return "", fmt.Errorf("restore from %s: %w", backup, err)
	}
	lock, err := lockFile(abs, true)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer lock.Close()
	kept := ""
	if _, err := os.Stat(abs); err == nil {
		if err := checkpoint(ctx, abs); err != nil {
			return "", fmt.Errorf("restore: fold the WAL into the database it replaces: %w", err)
		}
		kept = abs + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(abs, kept); err != nil {
			return "", fmt.Errorf("restore: keep the database it replaces: %w", err)
		}
	}
	for _, stale := range []string{abs + "-wal", abs + "-shm"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return kept, fmt.Errorf("restore: %w", err)
		}
	}
	partial := abs + ".restoring"
	if err := copyFile(backup, partial); err != nil {
		os.Remove(partial)
		return kept, fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(partial, abs); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, syncDir(filepath.Dir(abs))
}

// checkpoint folds the WAL of the database at abs into the database file and empties it.
func checkpoint(ctx context.Context, abs string) error {
	conn, err := sql.Open("sqlite", sqliteDSN(abs))
	if err != nil {
		return err
	}
	defer conn.Close()
	var busy, logged, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
		return err
	}
	if busy != 0 {
		return fmt.Errorf("%s is busy: another process is using it", abs)
	}
	return nil
}

// copyFile copies src to a new file dst and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
