// Question 1: why not a CAS alone? The loser of the
// CAS returns at once, before the winner's f is done.
package main

import (
	"fmt"
	"sync/atomic"
)

type Once struct{ done atomic.Uint32 }

func (o *Once) Do(f func()) { // incorrect
	if o.done.CompareAndSwap(0, 1) {
		f()
	}
}

func main() {
	var o Once
	var config atomic.Value // what f sets up
	inF, release := make(chan bool), make(chan bool)
	finished := make(chan bool)
	go func() { // g1 wins the CAS and is slow in f
		o.Do(func() {
			inF <- true
			<-release
			config.Store("ready")
		})
		close(finished)
	}()
	<-inF
	o.Do(func() {}) // g2: loses the CAS, returns
	fmt.Println("g2's Do returned; config:",
		config.Load())
	close(release)
	<-finished
	fmt.Println("g1's Do returned; config:",
		config.Load())
}
