package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// OpenPostgres opens the PostgreSQL database named by dsn ("postgres://user:pass@host/db?sslmode=require")
// and applies the migrations. Several portal processes may share it: migrations take an advisory lock,
// the outbox is claimed with SKIP LOCKED, and every write is a single transaction.
func OpenPostgres(ctx context.Context, dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(postgresIdleConns)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	db := newDB(postgres, pool, pool)
	if err := db.migrateLocked(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// migrateLocked runs the migrations under a session advisory lock, so processes starting together do not
// race to create the same tables.
func (db *DB) migrateLocked(ctx context.Context) error {
	conn, err := db.writeDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	defer conn.Close()
	const lockID = 7365402 // any constant shared by all portal processes
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lockID); err != nil {
		return fmt.Errorf("migrations lock: %w", err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, lockID)
	return db.migrate(ctx)
}
