package kept

import (
	"strconv"
	"testing"
)

func newBytes(limit int) *Cache[string, []byte] {
	return New(limit, func(k string, v []byte) int { return len(k) + len(v) })
}

// held is what the cache holds, keys and values, in bytes.
func (c *Cache[K, V]) held() int {
	total := 0
	for _, m := range []map[K]V{c.newer, c.older} {
		for k, v := range m {
			total += c.cost(k, v)
		}
	}
	return total
}

// The cache holds no more than its bound: past half of it, the older entries go; what is used stays.
func TestBounded(t *testing.T) {
	c := newBytes(1 << 12)
	c.Put("used", make([]byte, 100))
	for i := range 1000 {
		c.Put(strconv.Itoa(i), make([]byte, 100))
		if _, ok := c.Get("used"); !ok {
			t.Fatalf("an entry used all along was let go after %d others", i)
		}
	}
	if held := c.held(); held > c.limit {
		t.Fatalf("the cache holds %d bytes, more than its bound of %d", held, c.limit)
	}
	if _, ok := c.Get("0"); ok {
		t.Fatal("the first entry, never used again, is still kept")
	}
	if _, ok := c.Get("never"); ok {
		t.Fatal("an entry never put was answered")
	}
	c.Put("huge", make([]byte, 1<<10))
	if _, ok := c.Get("huge"); ok {
		t.Fatal("an entry of more than an eighth of the bound was kept")
	}
}

// Putting under a key already there replaces its entry, in either generation, and counts only the new
// one: a page drawn again and again for one key holds one entry.
func TestPutReplaces(t *testing.T) {
	c := newBytes(1 << 12)
	for i := range 100 {
		c.Put("page", make([]byte, 100+i))
	}
	if v, _ := c.Get("page"); len(v) != 199 {
		t.Fatalf("the entry is %d bytes, not the last put", len(v))
	}
	if c.size != len("page")+199 || len(c.older) != 0 {
		t.Fatalf("one entry of %d bytes counted as %d, %d older", len("page")+199, c.size, len(c.older))
	}
	for i := range 30 { // push "page" into the older generation
		c.Put(strconv.Itoa(i), make([]byte, 100))
	}
	c.Put("page", []byte("new"))
	c.Put("x", make([]byte, 1900)) // and the generations turn again
	if v, ok := c.Get("page"); !ok || string(v) != "new" {
		t.Fatalf("after replacing an older entry: %q, %v", v, ok)
	}
}
