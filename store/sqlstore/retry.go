package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// A PostgreSQL server that restarts, fails over or has a backend terminated drops connections the pool
// still holds; the next statement on one fails although a fresh connection would succeed. database/sql
// replaces a connection only when the driver can tell nothing was sent, so a statement already sent on a
// dead connection fails. Operations that are safe to repeat (reads, and writes that cannot apply twice)
// run once more on a new connection instead of failing the request.

// connectionLost reports whether err says the connection went away under a statement, rather than that
// the statement failed.
func connectionLost(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08 is "connection exception"; 57P01-57P03 are the server shutting down, terminating
		// this backend, or not yet accepting connections.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}

// postgresIdleConns is how many idle connections the PostgreSQL pool keeps.
const postgresIdleConns = 10

// dropIdle closes the pool's idle connections: when one was lost the others most likely went the same way
// (a restart, a fail-over), and a retry on one of them would fail again.
func (db *DB) dropIdle() {
	db.readDB.SetMaxIdleConns(0)
	db.readDB.SetMaxIdleConns(postgresIdleConns)
}

// retryable reports whether a lost connection may be retried: on PostgreSQL (SQLite has no connection
// to lose), and not inside InTx, whose transaction went with the connection: the caller's whole
// operation fails, and none of it is applied.
func (db *DB) retryable() bool { return db.dialect == postgres && db.inTx == nil }

// retry runs op, and once more if the connection was lost under it. op must be safe to repeat.
func (db *DB) retry(ctx context.Context, op func() error) error {
	err := op()
	if db.retryable() && connectionLost(err) && ctx.Err() == nil {
		db.dropIdle()
		err = op()
	}
	return err
}

// queryRow runs a read of one row, once more if the connection was lost. On SQLite the read does not
// watch ctx: it is over in microseconds, and watching (a goroutine of database/sql's and one of the
// driver's, for every statement) doubled what the session and the head read on every request cost.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = db.bind(query)
	if db.dialect == sqlite {
		ctx = context.WithoutCancel(ctx)
	}
	row := db.read.QueryRowContext(ctx, query, args...)
	if db.retryable() && connectionLost(row.Err()) && ctx.Err() == nil {
		db.dropIdle()
		row = db.read.QueryRowContext(ctx, query, args...)
	}
	return row
}

// versionOf reads the version (one integer column) that query selects, as versionCache.read asks.
func (db *DB) versionOf(ctx context.Context, query string, args ...any) func() (int64, error) {
	return func() (int64, error) {
		var v int64
		if err := db.queryRow(ctx, query, args...).Scan(&v); err != nil {
			return 0, notFound(err)
		}
		return v, nil
	}
}

// query runs a read of rows, once more if the connection was lost before the first row came.
func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	var rows *sql.Rows
	err := db.retry(ctx, func() (err error) {
		rows, err = db.read.QueryContext(ctx, db.bind(query), args...)
		return err
	})
	return rows, err
}
