package kept

import (
	"strconv"
	"testing"
)

// The cache holds no more than its bound: past half of it, the older entries go; what is used stays.
func TestBounded(t *testing.T) {
	c := New(1<<12, func(k string) int { return len(k) })
	c.Put("used", make([]byte, 100))
	for i := range 1000 {
		c.Put(strconv.Itoa(i), make([]byte, 100))
		if c.Get("used") == nil {
			t.Fatalf("an entry used all along was let go after %d others", i)
		}
	}
	total := 0
	for _, m := range []map[string][]byte{c.newer, c.older} {
		for k, v := range m {
			total += len(k) + len(v)
		}
	}
	if total > c.limit {
		t.Fatalf("the cache holds %d bytes, more than its bound of %d", total, c.limit)
	}
	if c.Get("0") != nil {
		t.Fatal("the first entry, never used again, is still kept")
	}
	if c.Get("never") != nil {
		t.Fatal("an entry never put was answered")
	}
	c.Put("huge", make([]byte, 1<<10))
	if c.Get("huge") != nil {
		t.Fatal("an entry of more than an eighth of the bound was kept")
	}
}
