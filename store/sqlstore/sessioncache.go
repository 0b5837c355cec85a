package sqlstore

import (
	"maps"
	"sync"

	"formportal/store"
)

// sessionCache keeps the sessions this process read, each with its user and the version it was read
// at. Every request reads its session; the session's version (migration 0021: triggers move it on every
// change to the session or its user, whichever process makes it) is one column, where the session with
// its user is twenty-one, and reading a column is most of what a read costs. So a session whose version
// is unchanged is served from here, exactly as the database holds it: a sign-out or a disabled account
// elsewhere is seen at once.
type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession
}

type cachedSession struct {
	version int64
	session store.Session
	user    *store.User
}

// maxCachedSessions bounds the memory kept (about a kilobyte each); beyond it an entry makes room.
const maxCachedSessions = 4096

func newSessionCache() *sessionCache { return &sessionCache{m: map[string]cachedSession{}} }

// get is a copy of the session id, and its user, if kept at version.
func (c *sessionCache) get(id string, version int64) (*store.Session, *store.User, bool) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if !ok || e.version != version {
		return nil, nil, false
	}
	s, u := e.copies()
	return s, u, true
}

// put keeps a copy of the session and its user as read at version.
func (c *sessionCache) put(version int64, s *store.Session, u *store.User) {
	e := cachedSession{version: version, session: *s}
	e.session.Data = maps.Clone(s.Data)
	if u != nil {
		kept := *u
		e.user = &kept
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[s.ID]; !ok && len(c.m) >= maxCachedSessions {
		for id := range c.m { // any one: a session evicted is only read again
			delete(c.m, id)
			break
		}
	}
	c.m[s.ID] = e
}

// forget drops a session that has ended.
func (c *sessionCache) forget(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

// copies are the kept session and user, the caller's to change.
func (e cachedSession) copies() (*store.Session, *store.User) {
	s := e.session
	s.Data = maps.Clone(e.session.Data)
	if e.user == nil {
		return &s, nil
	}
	u := *e.user
	return &s, &u
}
