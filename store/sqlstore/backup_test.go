package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"formportal/store"
)

// TestBackupWhileWritingThenRestore copies the database while a writer commits users one after
// another: the copy holds every user committed before the copy began, and its users are a prefix of the
// writer's (a snapshot, not a mix). The restore refuses while the database is open, then replaces it,
// keeping the old one beside it.
func TestBackupWhileWritingThenRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "portal.db")
	db, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var committed atomic.Int64 // users committed so far: u0 .. u(committed-1)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := db.CreateUser(ctx, &store.User{ID: fmt.Sprintf("u%d", i), Email: fmt.Sprintf("u%d@example.org", i), Forename: "A", Surname: "B", PasswordHash: "h"}); err != nil {
				done <- err
				return
			}
			committed.Store(int64(i + 1))
		}
	}()
	for committed.Load() < 200 {
		if err := db.WriteProbe(ctx); err != nil { // a write of this goroutine too, while waiting
			t.Fatal(err)
		}
	}
	before := committed.Load()
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	after := committed.Load()
	close(stop)
	if info, err := os.Stat(backup); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the backup's mode: %v, %v; want 0600: it holds children's records", info.Mode(), err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, backup); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("a backup over an existing file: %v", err)
	}
	total := committed.Load()

	if _, err := RestoreSQLite(ctx, backup, path); !errors.Is(err, ErrInUse) {
		t.Fatalf("restore while the database is open: %v, want ErrInUse", err)
	}
	db.Close()
	kept, err := RestoreSQLite(ctx, backup, path)
	if err != nil {
		t.Fatal(err)
	}
	restored, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	n := countUsers(t, restored, total)
	if n < before || n > after {
		t.Fatalf("the backup holds %d users; %d were committed when it began and %d when it ended", n, before, after)
	}
	// The database the restore replaced is whole, with every user.
	old, err := OpenSQLite(ctx, kept)
	if err != nil {
		t.Fatalf("the replaced database %q: %v", kept, err)
	}
	defer old.Close()
	if got := countUsers(t, old, total); got != total {
		t.Fatalf("the replaced database holds %d users, want %d", got, total)
	}
	t.Logf("backup during writes: %d users committed before it began, %d in the copy, %d when it ended", before, n, after)
}

// countUsers counts u0, u1, ... up to the first missing one, and checks none after it is there.
func countUsers(t *testing.T, db *DB, max int64) int64 {
	t.Helper()
	ctx := context.Background()
	var n int64
	for ; n < max; n++ {
		if _, err := db.UserByEmail(ctx, fmt.Sprintf("u%d@example.org", n)); errors.Is(err, store.ErrNotFound) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	for i := n + 1; i < max; i++ {
		if _, err := db.UserByEmail(ctx, fmt.Sprintf("u%d@example.org", i)); err == nil {
			t.Fatalf("user %d is there but %d is not: not a snapshot", i, n)
		}
	}
	return n
}

// A portal cannot open the database while a restore holds it, and a file that is not a sound portal
// database is not restored.
func TestRestoreRefusesWhatIsNotABackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "portal.db")
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("not a database at all, but long enough to look like a file........"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := RestoreSQLite(ctx, junk, path); err == nil {
		t.Fatal("a file that is no database was restored")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused restore left %s: %v", path, err)
	}
	lock, err := lockFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := OpenSQLite(ctx, path); !errors.Is(err, ErrInUse) {
		t.Fatalf("open during a restore: %v, want ErrInUse", err)
	}
}

func TestBackupOfPostgresSaysToUseItsTools(t *testing.T) {
	db, _ := openPostgresSchema(t)
	if err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "b.db")); !errors.Is(err, ErrNotSQLite) {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
}

// Stats counts the email waiting, and reports the database's size and (SQLite) its disk's free space.
func TestStats(t *testing.T) {
	for name, db := range map[string]*DB{"sqlite": openTemp(t), "postgres": func() *DB { db, _ := openPostgresSchema(t); return db }()} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st, err := db.Stats(ctx)
			if err != nil || st.OutboxDepth != 0 || st.OutboxOldest != 0 || st.DatabaseBytes <= 0 || st.DiskFreeKnown != (name == "sqlite") {
				t.Fatalf("an empty store: %+v, %v", st, err)
			}
			queued := time.Now().Add(-time.Hour)
			for i := range 3 {
				if err := db.EnqueueMail(ctx, &store.Mail{To: fmt.Sprintf("p%d@example.org", i), Subject: "s", Text: "t", CreatedAt: queued, NextAttemptAt: queued}); err != nil {
					t.Fatal(err)
				}
			}
			sent, err := db.ClaimDueMail(ctx, time.Now(), time.Minute, 1)
			if err != nil || len(sent) != 1 {
				t.Fatal(err)
			}
			if err := db.MarkMailSent(ctx, sent[0].ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			st, err = db.Stats(ctx)
			if err != nil || st.OutboxDepth != 2 || st.OutboxOldest < time.Hour || st.OutboxOldest > 2*time.Hour {
				t.Fatalf("two waiting an hour: %+v, %v", st, err)
			}
			if name == "sqlite" && st.DiskFreeBytes <= 0 {
				t.Fatalf("disk free %d", st.DiskFreeBytes)
			}
		})
	}
}
