// The notes' step-2 producer: it polls ctx.Done() in a
// select and sends in its default: branch, where
// nothing watches the context. The sink works 3 s per
// word and stops after the cancel at 5 s; the producer
// is left blocked in its send: a leak.
package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing/synctest"
	"time"
)

func main() {
	t0 := time.Now()
	ctx, cancel := context.WithCancel(
		context.Background())
	go func() { time.Sleep(5 * time.Second); cancel() }()
	out := make(chan string)
	var inSend atomic.Bool
	go func() {
		defer close(out)
		for _, w := range []string{"FOO", "BAR", "BAX"} {
			select {
			case <-ctx.Done():
				return
			default:
				inSend.Store(true)
				out <- w // blind to ctx while it waits
				inSend.Store(false)
			}
		}
	}()
	for w := range out { // the sink
		fmt.Println("sink got", w, "at", time.Since(t0))
		time.Sleep(3 * time.Second)
		if ctx.Err() != nil {
			fmt.Println("sink returns at", time.Since(t0))
			break
		}
	}
	synctest.Wait() // every other goroutine is blocked
	fmt.Println("producer blocked in its send:",
		inSend.Load())
	<-out // release it, so that the bubble can end
}
