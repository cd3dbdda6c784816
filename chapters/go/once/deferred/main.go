// Version 5: the store is deferred, so a panic in
// f still marks the Once done.
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
		defer atomic.StoreUint32(&o.done, 1)
		f()
	}
}

// try calls o.Do(f) and reports a panic in f.
func try(o *Once, f func()) (panicked any) {
	defer func() { panicked = recover() }()
	o.Do(f)
	return nil
}

func main() {
	var o Once
	runs := 0
	fmt.Println("1st Do, f panics:", try(&o, func() {
		runs++
		panic("boom")
	}))
	try(&o, func() { runs++ })
	fmt.Println("f ran", runs, "time(s) in 2 calls")
}
