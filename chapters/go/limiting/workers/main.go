// The notes' third way: a fixed number of workers
// range over an unbuffered channel, so sending a task
// is separate from running it. Closing the channel
// ends the workers; the WaitGroup counts workers.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	const tasks, workers = 1_000, 3
	start, base := time.Now(), runtime.NumGoroutine()
	jobs := make(chan int) // a send waits for a worker
	var done, running, most atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range jobs {
				n := running.Add(1)
				m := most.Load()
				for ; n > m; m = most.Load() {
					most.CompareAndSwap(m, n)
				}
				time.Sleep(time.Second)
				running.Add(-1)
				done.Add(1)
			}
		})
	}
	alive := runtime.NumGoroutine() - base
	for t := range tasks {
		jobs <- t
	}
	close(jobs) // the notes never close it
	wg.Wait()
	fmt.Printf("%d goroutines ran %d tasks, %d at most"+
		" at once, %v\n", alive, done.Load(),
		most.Load(), time.Since(start))
}
