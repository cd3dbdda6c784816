// The notes' step 7 shutdown: "wait for the rest" by
// acquiring the semaphore's full weight, with the same
// ctx. Once ctx is cancelled that acquire fails at
// once, out is closed, and a late send panics.
package main

import (
	"context"
	"fmt"
	"time"
)

// acquire takes n slots or gives up when ctx is done,
// like x/sync's semaphore.Weighted.Acquire(ctx, n).
func acquire(ctx context.Context, sem chan struct{},
	n int) error {
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			for range i {
				<-sem
			}
			return ctx.Err()
		}
	}
	return nil
}

func main() {
	ctx, cancel := context.WithCancel(
		context.Background())
	sem := make(chan struct{}, 2)
	out := make(chan string)
	go func() {
		defer close(out)
		acquire(ctx, sem, 1) // one item, one slot
		go func() {
			defer func() { <-sem }()
			time.Sleep(3 * time.Second) // the work
			out <- "foo"
		}()
		err := acquire(ctx, sem, 2) // wait for the rest
		fmt.Println("full-weight acquire:", err)
	}()
	time.Sleep(time.Second)
	cancel()                    // the sink saw an error
	time.Sleep(5 * time.Second) // main lives on
	fmt.Println("not reached")
}
