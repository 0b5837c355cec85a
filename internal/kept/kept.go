// Package kept keeps markup drawn before under a key of everything it shows, within a bound of bytes,
// so it can be written again instead of drawn again.
//
// What is kept lives in two generations: what was put or used since the newer one started, and the ones
// before. When the newer holds half the bound it becomes the older and the older is let go, so what is
// not used for a while goes, what is used stays, and the cache never holds more than the bound.
package kept

import "sync"

// Bytes is a bounded cache of byte slices. The slices are shared: neither callers nor the cache change
// one after it is put.
type Bytes[K comparable] struct {
	limit   int
	keyCost func(K) int

	mu           sync.Mutex
	newer, older map[K][]byte
	size         int // of newer
}

// New is a cache of at most limit bytes, each entry costing its value's length and keyCost of its key.
func New[K comparable](limit int, keyCost func(K) int) *Bytes[K] {
	return &Bytes[K]{limit: limit, keyCost: keyCost, newer: map[K][]byte{}}
}

// Get is what was put under key, or nil.
func (c *Bytes[K]) Get(key K) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.newer[key]; ok {
		return b
	}
	b, ok := c.older[key]
	if ok {
		c.add(key, b)
	}
	return b
}

// Put keeps b under key; a value of more than an eighth of the bound is not kept.
func (c *Bytes[K]) Put(key K, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(key, b)
}

func (c *Bytes[K]) add(key K, b []byte) {
	cost := c.keyCost(key) + len(b)
	if cost > c.limit/8 {
		return
	}
	if c.size+cost > c.limit/2 {
		c.older, c.newer, c.size = c.newer, map[K][]byte{}, 0
	}
	c.newer[key] = b
	c.size += cost
}
