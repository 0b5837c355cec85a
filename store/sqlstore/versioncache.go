package sqlstore

import (
	"maps"
	"sync"

	"formportal/store"
)

// versionCache keeps rows this process read, each with the version it was read at, for the reads every
// request makes: a session with its user, and the head of the response a page shows. The row's version
// is one column where the row is many, and reading a column is most of what a read costs; triggers
// (migrations 0021 and 0022) move the version on every change to what is kept, whichever process makes
// it. So a row whose version is unchanged is served from here exactly as the database holds it: a
// sign-out, a disabled account or a reassigned task elsewhere is seen at once.
type versionCache[T any] struct {
	clone func(T) T // a copy that shares nothing the caller may change
	mu    sync.Mutex
	m     map[string]versioned[T]
}

type versioned[T any] struct {
	version int64
	value   T
}

// maxKept bounds each cache's memory (a session with its user is about a kilobyte); beyond it an entry
// makes room.
const maxKept = 4096

func newVersionCache[T any](clone func(T) T) *versionCache[T] {
	return &versionCache[T]{clone: clone, m: map[string]versioned[T]{}}
}

// read is what is kept for id when version, the version stored now, is the one it was kept at; else it
// is what row reads (with its version, read in the same statement), kept. A row that is not there is
// forgotten.
func (c *versionCache[T]) read(id string, version func() (int64, error), row func() (int64, T, error)) (T, error) {
	var zero T
	v, err := version()
	if err != nil {
		c.forget(id)
		return zero, err
	}
	if kept, ok := c.get(id, v); ok {
		return kept, nil
	}
	v, value, err := row()
	if err != nil {
		return zero, err
	}
	c.put(id, v, value)
	return value, nil
}

// get is a copy of what is kept for id, if it was kept at version.
func (c *versionCache[T]) get(id string, version int64) (T, bool) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if !ok || e.version != version {
		var zero T
		return zero, false
	}
	return c.clone(e.value), true
}

// put keeps a copy of v, read at version.
func (c *versionCache[T]) put(id string, version int64, v T) {
	e := versioned[T]{version: version, value: c.clone(v)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[id]; !ok && len(c.m) >= maxKept {
		for old := range c.m { // any one: a row evicted is only read again
			delete(c.m, old)
			break
		}
	}
	c.m[id] = e
}

// forget drops what is kept for id, which has gone.
func (c *versionCache[T]) forget(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

// sessionWithUser is what the sessions cache keeps.
type sessionWithUser struct {
	session *store.Session
	user    *store.User // nil before sign-in
}

func (s sessionWithUser) clone() sessionWithUser {
	session := *s.session
	session.Data = maps.Clone(s.session.Data)
	out := sessionWithUser{session: &session}
	if s.user != nil {
		user := *s.user
		out.user = &user
	}
	return out
}

// cloneHead copies a response's head, which holds no maps or slices.
func cloneHead(r *store.Response) *store.Response {
	head := *r
	return &head
}
