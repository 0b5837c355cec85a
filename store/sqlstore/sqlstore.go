// Package sqlstore implements store.Store on SQL databases: SQLite through modernc.org/sqlite (the
// default, no cgo) and PostgreSQL. Queries are written once with ? placeholders and rebound per dialect.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"formportal/store"
	"formportal/store/sealed"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations
var migrations embed.FS

type dialect int

const (
	sqlite dialect = iota
	postgres
)

// queryer is what a statement runs on: a connection pool, or one transaction.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is a store.Store on a SQL database. Inside InTx a copy of it runs every statement, reads included, on
// the one transaction.
type DB struct {
	dialect  dialect
	writeDB  *sql.DB // SQLite: one connection, so writers queue instead of failing with SQLITE_BUSY
	readDB   *sql.DB
	write    queryer                        // writeDB, or the transaction
	read     queryer                        // readDB, or the transaction
	inTx     *sql.Tx                        // set inside InTx
	path     string                         // SQLite: the database file
	keys     *sealed.Keyring                // seals payloads at rest; nil writes them in the clear (UseKeys)
	lock     io.Closer                      // SQLite: the shared lock that keeps a restore from replacing the file in use
	stmts    *stmtCache                     // SQLite: the readers' statements, kept prepared
	sessions *versionCache[sessionWithUser] // the sessions read, checked by their version
	heads    *versionCache[*store.Response] // the responses' heads read, checked by their version
	begin    beginner                       // writeDB, or for SQLite its writers' queue
}

// beginner starts write transactions.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// sqliteDSN is the driver's name for the database file at the absolute path abs, with the settings
// every connection needs.
func sqliteDSN(abs string) string {
	pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
	return "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + pragmas
}

func newDB(d dialect, write, read *sql.DB) *DB {
	db := &DB{dialect: d, writeDB: write, readDB: read, write: write, read: countedReads{q: read}, begin: write, sessions: newVersionCache(sessionWithUser.clone), heads: newVersionCache(cloneHead)}
	if d == sqlite && write != nil {
		q := newWriterQueue(write)
		db.write, db.begin = q, q
	}
	return db
}

// sqliteReaders is how many connections read a SQLite database at once.
const sqliteReaders = 8

// OpenSQLite opens (creating if needed) the SQLite database at path and applies the migrations. WAL lets
// readers run beside the writer; synchronous=FULL makes every acknowledged commit survive a crash;
// secure_delete overwrites what is deleted or replaced, so a purged answer or a row sealed by key rotation
// does not linger in the file's free space.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite path %s: %w", path, err)
	}
	lock, err := lockFile(abs, false)
	if err != nil {
		return nil, err
	}
	dsn := sqliteDSN(abs)
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate&_pragma=secure_delete(1)")
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	// Each reader's page cache is 512 KiB rather than SQLite's 2 MB: eight readers kept open held 16 MB of
	// SQLite's memory beside Go's, which took 64 people on 2,000-row chronologies past 300 MB resident.
	// What they read again and again (sessions, users, a response's row without its answers) is a few
	// pages; the price is a draft read whole from the file (not kept decoded) taking 8.6 ms at 2,000 rows
	// rather than 5.7.
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)&_pragma=cache_size(-512)")
	if err != nil {
		write.Close()
		lock.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// As many kept open as may be open: database/sql keeps two idle by default, so under load the other
	// six were closed as each read finished and opened again for the next, their prepared statements
	// with them (a tenth of a busy portal's time went to opening SQLite connections).
	read.SetMaxOpenConns(sqliteReaders)
	read.SetMaxIdleConns(sqliteReaders)
	db := newDB(sqlite, write, read)
	db.stmts = newStmtCache(read)
	db.read = countedReads{q: read, stmts: db.stmts}
	db.path = abs
	db.lock = lock
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.stmts != nil {
		db.stmts.close()
	}
	err := db.writeDB.Close()
	if db.readDB != db.writeDB {
		err = errors.Join(err, db.readDB.Close())
	}
	if db.lock != nil {
		err = errors.Join(err, db.lock.Close())
	}
	return err
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// IntegrityCheck runs the database's own consistency check (SQLite only).
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.dialect != sqlite {
		return nil
	}
	var result string
	if err := db.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("integrity check: %s", result)
	}
	return nil
}

// migrate applies, in order and each in its own transaction, the embedded migrations not yet applied.
// A database migrated by a newer portal (one holding a migration this binary does not know) is refused:
// this binary's queries may not fit its tables, and writing to it could lose what the newer one keeps.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.writeDB.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	status, err := db.migrationStatus(ctx)
	if err != nil {
		return err
	}
	if err := status.newer(); err != nil {
		return err
	}
	for _, name := range status.Pending {
		body, err := fs.ReadFile(migrations, db.migrationsDir()+"/"+name)
		if err != nil {
			return fmt.Errorf("read migration %s: %w", name, err)
		}
		err = db.tx(ctx, func(tx *sql.Tx) error {
			var done int
			if err := tx.QueryRowContext(ctx, db.bind(`SELECT COUNT(*) FROM schema_migrations WHERE name = ?`), name).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, db.bind(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`), name, millis(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", name, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction, committing when it returns nil. Inside InTx it joins the open
// transaction, so a method's own steps commit with everything else the caller does.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	if db.inTx != nil {
		return fn(db.inTx)
	}
	tx, err := db.begin.BeginTx(ctx, nil)
	if err != nil {
		return counted("write", withFull(err))
	}
	defer tx.Rollback() // after a commit this does nothing; after an error or a panic it frees the writer
	if err := fn(tx); err != nil {
		return counted("write", withFull(err))
	}
	return counted("write", withFull(tx.Commit()))
}

// InTx runs fn with a store whose every read and write belongs to one transaction: all of fn's writes
// commit together when it returns nil, and none of them when it returns an error or panics.
func (db *DB) InTx(ctx context.Context, fn func(tx store.Data) error) error {
	if db.inTx != nil {
		return fn(db)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		inner := &DB{dialect: db.dialect, writeDB: db.writeDB, readDB: db.readDB, write: tx, read: tx, inTx: tx, keys: db.keys, begin: db.begin, sessions: db.sessions, heads: db.heads}
		return fn(inner)
	})
}

// exec runs one write statement.
func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := db.write.ExecContext(ctx, db.bind(query), args...)
	if db.inTx != nil {
		return res, withFull(err) // counted once, when the transaction fails
	}
	return res, counted("write", withFull(err))
}

// bind rewrites ? placeholders as $1, $2, ... for PostgreSQL. Queries never hold a literal "?".
func (db *DB) bind(query string) string {
	if db.dialect != postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Times are kept as Unix milliseconds; zero means "not yet".
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
