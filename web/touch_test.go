package web

import (
	"fmt"
	"testing"
	"time"
)

// Of the requests on one session within lastSeenGranularity, one saves its last use; another session's
// requests are not held back by it, and the log stays bounded.
func TestTouchLogSavesLastUseOncePerBurst(t *testing.T) {
	var log touchLog
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if !log.claim("s1", now) {
		t.Fatal("the first request on a session did not save its last use")
	}
	if log.claim("s1", now.Add(time.Second)) {
		t.Fatal("a second request in the same burst saved the last use again")
	}
	if !log.claim("s2", now.Add(time.Second)) {
		t.Fatal("another session's last use was held back")
	}
	if !log.claim("s1", now.Add(lastSeenGranularity)) {
		t.Fatal("the last use was not saved once the granularity had passed")
	}
	if !log.claim("s2", now) {
		t.Fatal("a clock set back held the last use back")
	}
	for i := range 2 * maxTouches {
		log.claim(fmt.Sprint("many", i), now)
	}
	if n := len(log.last); n > maxTouches {
		t.Fatalf("the log holds %d sessions, more than %d", n, maxTouches)
	}
}
