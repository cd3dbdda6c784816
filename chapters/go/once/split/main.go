// Version 6, today's shape (Go 1.26: atomic.Bool):
// Do holds only the fast path, small enough to
// inline; the slow path is doSlow.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type Once struct {
	done atomic.Bool // first: the hot path reads it
	m    sync.Mutex
}

func (o *Once) Do(f func()) {
	if !o.done.Load() {
		o.doSlow(f) // outlined: keeps Do inlinable
	}
}

func (o *Once) doSlow(f func()) {
	o.m.Lock()
	defer o.m.Unlock()
	if !o.done.Load() {
		defer o.done.Store(true)
		f()
	}
}

func main() {
	var o Once
	var std sync.Once // the standard library's
	var wg sync.WaitGroup
	var runs, stdRuns atomic.Int32
	for range 100 {
		wg.Go(func() { o.Do(func() { runs.Add(1) }) })
		wg.Go(func() {
			std.Do(func() { stdRuns.Add(1) })
		})
	}
	wg.Wait()
	fmt.Println("100 callers, f ran", runs.Load(),
		"time(s); sync.Once:", stdRuns.Load())
}
