// Package kept keeps markup drawn before under a key of everything it shows, within a bound of bytes,
// so it can be written again instead of drawn again.
//
// What is kept lives in two generations: what was put or used since the newer one started, and the ones
// before. When the newer holds half the bound it becomes the older and the older is let go, so what is
// not used for a while goes, what is used stays, and the cache never holds more than the bound.
package kept

import "sync"

// Cache is a bounded cache of values of V under keys K. Values are shared: neither callers nor the cache
// change one after it is put.
type Cache[K comparable, V any] struct {
	limit int
	cost  func(K, V) int

	mu           sync.Mutex
	newer, older map[K]V
	size         int // of newer
}

// New is a cache of at most limit bytes, each entry costing what cost says of it.
func New[K comparable, V any](limit int, cost func(K, V) int) *Cache[K, V] {
	return &Cache[K, V]{limit: limit, cost: cost, newer: map[K]V{}}
}

// Get is what was put under key, if anything.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.newer[key]; ok {
		return v, true
	}
	v, ok := c.older[key]
	if ok {
		c.add(key, v)
	}
	return v, ok
}

// Put keeps v under key, in place of what was there; an entry of more than an eighth of the bound is
// not kept.
func (c *Cache[K, V]) Put(key K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.older, key)
	c.add(key, v)
}

func (c *Cache[K, V]) add(key K, v V) {
	if old, ok := c.newer[key]; ok {
		c.size -= c.cost(key, old)
		delete(c.newer, key)
	}
	cost := c.cost(key, v)
	if cost > c.limit/8 {
		return
	}
	if c.size+cost > c.limit/2 {
		c.older, c.newer, c.size = c.newer, map[K]V{}, 0
	}
	c.newer[key] = v
	c.size += cost
}
