package mail

import (
	"testing"
	"time"
)

func TestBackoffSchedule(t *testing.T) {
	s := NewSender(nil, DevMailbox{}, "", SenderOptions{})
	s.jitter = func() float64 { return 0 }
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := s.backoff(i + 1); got != w {
			t.Errorf("after failure %d: %v, want %v", i+1, got, w)
		}
	}
	if got := s.backoff(1000); got != time.Hour {
		t.Errorf("after failure 1000: %v", got)
	}
	s.jitter = func() float64 { return 0.9999 }
	for i, w := range want {
		if got := s.backoff(i + 1); got > w || got < w*4/5 {
			t.Errorf("after failure %d with jitter: %v, want within [%v, %v]", i+1, got, w*4/5, w)
		}
	}
}
