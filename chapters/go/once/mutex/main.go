// Version 1: a mutex taken on every call.
package main

import (
	"fmt"
	"sync"
)

// Once runs f on the first Do; every Do locks.
type Once struct {
	m    sync.Mutex
	done bool
}

func (o *Once) Do(f func()) {
	o.m.Lock()
	defer o.m.Unlock()
	if !o.done {
		o.done = true
		f()
	}
}

func main() {
	var o Once
	var wg sync.WaitGroup
	runs := 0 // written only inside f, under o.m
	for range 100 {
		wg.Go(func() { o.Do(func() { runs++ }) })
	}
	wg.Wait()
	fmt.Println("100 callers, f ran", runs, "time(s)")
}
