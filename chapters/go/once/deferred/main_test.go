package main

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestDo calls Do from 64 goroutines at once, many
// times over: f must run exactly once per Once.
func TestDo(t *testing.T) {
	for range 50 {
		var o Once
		var runs atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 64 {
			wg.Go(func() {
				<-start
				o.Do(func() { runs.Add(1) })
			})
		}
		close(start)
		wg.Wait()
		if n := runs.Load(); n != 1 {
			t.Fatalf("f ran %d times, want 1", n)
		}
	}
}
