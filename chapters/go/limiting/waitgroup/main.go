// The notes' second way: a buffered channel as a
// semaphore (send takes a slot, receive gives it
// back) and a WaitGroup so main waits for the last
// tasks. The slot is taken before the go statement:
// at most limit task goroutines exist at once.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// census counts task goroutines alive, and the most.
type census struct{ alive, most atomic.Int64 }

func (c *census) enter() {
	n := c.alive.Add(1)
	for m := c.most.Load(); n > m; m = c.most.Load() {
		c.most.CompareAndSwap(m, n)
	}
}

func (c *census) leave() { c.alive.Add(-1) }

func main() {
	const tasks, limit = 1_000, 3
	start := time.Now()
	slots := make(chan struct{}, limit)
	var wg sync.WaitGroup
	var c census
	for range tasks {
		slots <- struct{}{} // waits for a free slot
		wg.Add(1)
		go func() {
			c.enter()
			defer wg.Done()
			defer func() { <-slots }() // after leave
			defer c.leave()
			time.Sleep(time.Second)
		}()
	}
	wg.Wait()
	fmt.Printf("%d tasks, limit %d: %d alive at most,"+
		" %v\n", tasks, limit, c.most.Load(),
		time.Since(start))
}
