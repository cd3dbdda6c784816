// Version 3: uint32, and a plain atomic load on
// the fast path instead of AddInt32(&done, 0).
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type Once struct {
	m    sync.Mutex
	done uint32
}

func (o *Once) Do(f func()) {
	if atomic.LoadUint32(&o.done) == 1 {
		return
	}
	o.m.Lock()
	defer o.m.Unlock()
	if o.done == 0 {
		f()
		atomic.CompareAndSwapUint32(&o.done, 0, 1)
	}
}

func main() {
	var o Once
	var wg sync.WaitGroup
	var runs atomic.Int32
	for range 100 {
		wg.Go(func() { o.Do(func() { runs.Add(1) }) })
	}
	wg.Wait()
	fmt.Println("100 callers, f ran", runs.Load(),
		"time(s)")
}
