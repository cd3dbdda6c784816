// Erratum: done read and written without atomics.
// The double check under the lock is safe; the
// fast path's read is a data race.
package main

import (
	"fmt"
	"sync"
)

type Once struct {
	m    sync.Mutex
	done uint32
}

func (o *Once) Do(f func()) {
	if o.done == 1 { // racy: no lock
		return
	}
	o.m.Lock()
	defer o.m.Unlock()
	if o.done == 0 { // fine: under the lock
		defer func() { o.done = 1 }()
		f()
	}
}

func main() {
	counts := map[int]int{}
	for range 20 { // 20 rounds of 8 callers
		var o Once
		var wg sync.WaitGroup
		runs := 0
		for range 8 {
			wg.Go(func() { o.Do(func() { runs++ }) })
		}
		wg.Wait()
		counts[runs]++
	}
	fmt.Println("f ran {times: rounds}:", counts)
}
