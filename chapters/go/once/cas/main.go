// Version 2: an atomic fast path, a double check
// under the lock, a CAS once f has returned.
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

func (o *Once) Do(f func()) {
	if atomic.AddInt32(&o.done, 0) == 1 {
		return // fast path: adding 0 is a locked read
	}
	o.m.Lock()
	defer o.m.Unlock()
	if o.done == 0 { // plain read: we hold the lock
		f()
		atomic.CompareAndSwapInt32(&o.done, 0, 1)
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
