package chronology

import (
	"container/list"
	"strconv"
	"strings"
	"sync"

	"formportal/engine"
	"formportal/store"
)

// Cache keeps the merged chronologies most recently asked for, so that paging, filtering and exporting a
// request's chronology do not re-merge every contribution on each view (20 agencies of 500 rows take a
// tenth of a second of CPU to merge). An entry's key is the form (id, version, language) and every
// member's id, status and stored version: a submission, a return, a resubmission or a retraction makes a
// new key, whichever process on the store made it, so an entry is never stale, only unused. Entries are
// dropped least recently used first once their rows pass the cache's bound.
//
// A cached Table is shared by every reader: nothing may change it after Merge.
type Cache struct {
	maxRows int

	mu      sync.Mutex
	rows    int                      // the rows of the tables held
	order   *list.List               // of *cached, most recently used first
	byKey   map[string]*list.Element // key to its place in order
	merging map[string]*merge        // merges in progress, so that concurrent views of one request merge once
}

type cached struct {
	key   string
	table *Table
}

type merge struct {
	done  chan struct{}
	table *Table
	err   error
}

// CacheRows is the bound a portal's cache is made with: four requests of 20 agencies' 500 rows, some
// 10 MB each.
const CacheRows = 40_000

// NewCache is a cache holding tables of at most maxRows rows in all (a row costs a few hundred bytes).
func NewCache(maxRows int) *Cache {
	return &Cache{maxRows: maxRows, order: list.New(), byKey: map[string]*list.Element{}, merging: map[string]*merge{}}
}

// OfRequest is OfRequest(form, members) from the cache, merged when the cache does not hold it.
func (c *Cache) OfRequest(form *engine.Form, members []*store.Response) (*Table, error) {
	key := cacheKey(form, members)
	c.mu.Lock()
	if el, ok := c.byKey[key]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*cached).table, nil
	}
	if m, ok := c.merging[key]; ok {
		c.mu.Unlock()
		<-m.done
		return m.table, m.err
	}
	m := &merge{done: make(chan struct{})}
	c.merging[key] = m
	c.mu.Unlock()

	m.table, m.err = OfRequest(form, members)

	c.mu.Lock()
	delete(c.merging, key)
	if m.err == nil {
		c.add(key, m.table)
	}
	c.mu.Unlock()
	close(m.done)
	return m.table, m.err
}

// add holds t under key, dropping the least recently used tables past the bound. A table larger than
// the bound is not held at all. c.mu is held.
func (c *Cache) add(key string, t *Table) {
	if len(t.Rows) > c.maxRows {
		return
	}
	c.byKey[key] = c.order.PushFront(&cached{key: key, table: t})
	c.rows += len(t.Rows)
	for c.rows > c.maxRows {
		last := c.order.Back()
		old := last.Value.(*cached)
		c.order.Remove(last)
		delete(c.byKey, old.key)
		c.rows -= len(old.table.Rows)
	}
}

func cacheKey(form *engine.Form, members []*store.Response) string {
	var b strings.Builder
	b.WriteString(form.ID)
	b.WriteByte('\x00')
	b.WriteString(strconv.Itoa(form.Version))
	b.WriteByte('\x00')
	b.WriteString(form.Lang())
	for _, m := range members {
		b.WriteByte('\x00')
		b.WriteString(m.ID)
		b.WriteByte(' ')
		b.WriteString(string(m.Status))
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(m.Version))
	}
	return b.String()
}
