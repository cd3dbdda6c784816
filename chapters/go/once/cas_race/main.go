// Erratum in version 2: AddInt32(&done, 0) is a
// read-modify-write, so the fast path *writes* done
// while the lock holder reads it plainly.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type Once struct {
	m    sync.Mutex
	done int32
}

// do is version 2's Do with a hook after the fast path.
func (o *Once) do(f func(), gap func()) {
	if atomic.AddInt32(&o.done, 0) == 1 {
		return
	}
	gap()
	o.m.Lock()
	defer o.m.Unlock()
	if o.done == 0 { // plain read, locked
		f()
		atomic.CompareAndSwapInt32(&o.done, 0, 1)
	}
}

// race forces r's plain read and w's Add to overlap.
func race() int {
	var o Once
	runs := 0
	r := make(chan bool, 1) // r passed its fast path
	w := make(chan bool, 1) // w passed its fast path
	done := make(chan bool)
	go func() { // r: takes the lock, reads plainly
		f := func() { runs++; <-w }
		o.do(f, func() { r <- true })
		close(done)
	}()
	<-r
	f, gap := func() { runs++ }, func() { w <- true }
	go o.do(f, gap) // w: Add writes done
	<-done
	return runs
}

func main() {
	// The detector samples what happens: 100 rounds
	// make sure it sees the overlap at least once.
	runs := map[int]int{}
	for range 100 {
		runs[race()]++
	}
	fmt.Println("f ran {times: rounds}:", runs)
}
