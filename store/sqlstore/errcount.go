package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	sqlitedriver "modernc.org/sqlite"

	"formportal/metrics"
	"formportal/store"
)

// databaseError reports whether err is the database failing: a driver's error, a lost connection, a
// full disk. An answer the caller expects (no such row, a unique key already taken), a request that went
// away, and the caller's own errors (returned through InTx) are not.
func databaseError(err error) bool {
	if err == nil || errors.Is(err, sql.ErrNoRows) || errors.Is(err, context.Canceled) || isUniqueViolation(err) {
		return false
	}
	var se *sqlitedriver.Error
	var pe *pgconn.PgError
	var ce *pgconn.ConnectError
	return errors.As(err, &se) || errors.As(err, &pe) || errors.As(err, &ce) || errors.Is(err, store.ErrFull) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, driver.ErrBadConn) || connectionLost(err)
}

// counted counts err as a store error of op (portal_store_errors_total) when it is the database's, and
// returns it.
func counted(op string, err error) error {
	if databaseError(err) {
		metrics.StoreError(op)
	}
	return err
}

// countedReads is the readers' pool, counting the statements that fail. Inside InTx statements run on
// the transaction instead, and its failure is counted once, as a write. With stmts (SQLite), queries
// run as statements kept prepared.
type countedReads struct {
	q     queryer
	stmts *stmtCache
}

func (c countedReads) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := c.q.ExecContext(ctx, query, args...)
	return res, counted("read", err)
}

func (c countedReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	var rows *sql.Rows
	var err error
	if s := c.prepared(ctx, query); s != nil {
		rows, err = s.QueryContext(ctx, args...)
	} else {
		rows, err = c.q.QueryContext(ctx, query, args...)
	}
	return rows, counted("read", err)
}

func (c countedReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	var row *sql.Row
	if s := c.prepared(ctx, query); s != nil {
		row = s.QueryRowContext(ctx, args...)
	} else {
		row = c.q.QueryRowContext(ctx, query, args...)
	}
	counted("read", row.Err())
	return row
}

func (c countedReads) prepared(ctx context.Context, query string) *sql.Stmt {
	if c.stmts == nil {
		return nil
	}
	return c.stmts.stmt(ctx, query)
}
