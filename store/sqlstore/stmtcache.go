package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the SQLite readers' statements prepared. Unprepared, SQLite parses a statement every
// time it runs, which was a tenth of drawing a form page (the session, the user and the task are read
// for each). database/sql prepares a statement on each connection of the pool the first time it runs
// there, and again on a connection that replaced one; SQLite prepares it again by itself when another
// process changed the schema.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// maxStmts bounds the statements kept: queries are the program's own texts, but a few (a filter's IN
// list) vary with their arguments; beyond this they run unprepared.
const maxStmts = 256

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

// stmt is query prepared, or nil when it cannot be kept (the query then runs unprepared and reports
// its own error).
func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	s := c.m[query]
	c.mu.RUnlock()
	if s != nil {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.m[query]; s != nil {
		return s
	}
	if len(c.m) >= maxStmts {
		return nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.m[query] = s
	return s
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.m {
		s.Close()
		delete(c.m, q)
	}
}
