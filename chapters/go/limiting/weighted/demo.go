package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	const tasks, limit = 1_000, 3
	ctx, start := context.Background(), time.Now()
	sem := NewWeighted(limit)
	var wg sync.WaitGroup
	var alive, most atomic.Int64
	for range tasks {
		if err := sem.Acquire(ctx, 1); err != nil { // before go
			panic(err)
		}
		wg.Go(func() {
			defer sem.Release(1)
			n := alive.Add(1)
			for m := most.Load(); n > m; m = most.Load() {
				most.CompareAndSwap(m, n)
			}
			time.Sleep(time.Second)
			alive.Add(-1)
		})
	}
	wg.Wait()
	fmt.Printf("%d tasks, size 3: at most %d alive, done after %v\n",
		tasks, most.Load(), time.Since(start))

	// Two units held, one free: a request for two waits, here
	// until its context's deadline.
	if err := sem.Acquire(ctx, 2); err != nil {
		panic(err)
	}
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	start = time.Now()
	err := sem.Acquire(short, 2)
	fmt.Printf("Acquire(2) with 1 free: %v after %v\n", err,
		time.Since(start))
}
