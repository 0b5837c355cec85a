package wakeloop

import (
	"context"
	"testing"
	"time"
)

// A woken loop runs its pass without waiting for its interval, and stops when its context ends.
func TestWakeRunsThePassBeforeTheInterval(t *testing.T) {
	l := New()
	passes := make(chan struct{}, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		l.Run(ctx, time.Hour, func(context.Context) { passes <- struct{}{} })
		close(done)
	}()
	<-passes // the first pass runs at once
	l.Wake()
	select {
	case <-passes:
	case <-time.After(30 * time.Second):
		t.Fatal("a wake did not run the pass; the interval is an hour")
	}
	cancel()
	<-done
}

// Wake never blocks, however often it is called with no loop running.
func TestWakeNeverBlocks(t *testing.T) {
	l := New()
	for range 100 {
		l.Wake()
	}
}
