// The g1/g2 race, forced with channels: g2 passes
// the fast path, then waits until g1 is done.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type Once struct {
	m      sync.Mutex
	done   atomic.Uint32
	double bool // check done again under the lock?
}

// do is Do with a hook between fast and slow path.
func (o *Once) do(f func(), gap func()) {
	if o.done.Load() == 1 {
		return
	}
	gap()
	o.m.Lock()
	defer o.m.Unlock()
	if !o.double || o.done.Load() == 0 {
		defer o.done.Store(1)
		f()
	}
}

// replay runs g2 into the gap, all of g1, then the
// rest of g2, and returns how often f ran.
func replay(double bool) int32 {
	o := &Once{double: double}
	var runs atomic.Int32
	f := func() { runs.Add(1) }
	inGap, g1Done := make(chan bool), make(chan bool)
	g2Done := make(chan bool)
	go func() { // g2
		o.do(f, func() { inGap <- true; <-g1Done })
		close(g2Done)
	}()
	<-inGap
	go func() { o.do(f, func() {}); close(g1Done) }()
	<-g2Done
	return runs.Load()
}

func main() {
	for _, double := range []bool{false, true} {
		counts := map[int32]int{}
		for range 1000 {
			counts[replay(double)]++
		}
		fmt.Printf("double check %-5v: f ran %v\n",
			double, counts)
	}
}
