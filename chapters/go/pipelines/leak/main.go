// The notes' step-7 error channel: unbuffered, shared,
// and sent on with no select on ctx.Done(). The sink
// takes the first error, cancels and returns; a later
// failure blocks in its send for ever: a leak.
package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing/synctest"
	"time"
)

func main() {
	t0 := time.Now()
	ctx, cancel := context.WithCancel(
		context.Background())
	errc := make(chan error) // unbuffered
	var blocked atomic.Int32
	for i, work := range []time.Duration{3, 4} {
		go func() {
			time.Sleep(work * time.Second)
			blocked.Add(1)
			errc <- fmt.Errorf("item %d: %w", i,
				errors.New("oh no"))
			blocked.Add(-1)
		}()
	}
	for ctx.Err() == nil { // the sink
		select {
		case <-ctx.Done():
		case err := <-errc:
			fmt.Println("sink got", err, "at",
				time.Since(t0))
			cancel()
		}
	}
	time.Sleep(10 * time.Second) // a server lives on
	synctest.Wait()              // every goroutine blocked
	fmt.Println("at", time.Since(t0), "blocked in a send:",
		blocked.Load())
	<-errc // release it, so that the bubble can end
}
