package sqlstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"formportal/metrics"
)

// Stats is what the metrics report of the store at each scrape: the email waiting in the outbox and how
// long the oldest has waited, the database's size, and (SQLite) the free space on its disk.
func (db *DB) Stats(ctx context.Context) (metrics.StoreStats, error) {
	var st metrics.StoreStats
	var oldest int64
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM mail WHERE sent_at = 0 AND failed_at = 0`).Scan(&st.OutboxDepth, &oldest); err != nil {
		return st, fmt.Errorf("stats: outbox: %w", err)
	}
	if oldest > 0 {
		st.OutboxOldest = max(time.Since(fromMillis(oldest)), 0)
	}
	if db.dialect == postgres {
		if err := db.read.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&st.DatabaseBytes); err != nil {
			return st, fmt.Errorf("stats: database size: %w", err)
		}
		return st, nil
	}
	var pages, pageSize int64
	if err := db.read.QueryRowContext(ctx, `SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&pages, &pageSize); err != nil {
		return st, fmt.Errorf("stats: database size: %w", err)
	}
	st.DatabaseBytes = pages * pageSize
	if wal, err := os.Stat(db.path + "-wal"); err == nil {
		st.DatabaseBytes += wal.Size()
	}
	st.DiskFreeBytes, st.DiskFreeKnown = diskAvailable(filepath.Dir(db.path))
	return st, nil
}
