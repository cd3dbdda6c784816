// The notes' cron sends on its channel outside the select: once the consumer
// stops reading, the goroutine blocks on the send forever, whatever ctx says.
package main

import (
	"context"
	"fmt"
	"runtime"
	"testing/synctest"
	"time"
)

func leakyCron(ctx context.Context, delay time.Duration) <-chan time.Time {
	stream := make(chan time.Time, 1)
	go func() {
		ticker := time.NewTicker(delay)
		defer ticker.Stop()
		for {
			select {
			case t := <-ticker.C:
				stream <- t // blocks if nobody reads: deaf to ctx
			case <-ctx.Done():
				close(stream)
				return
			}
		}
	}()
	return stream
}

func main() {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	stream := leakyCron(ctx, time.Minute)
	fmt.Println("got a tick at", (<-stream).UTC().Format(time.TimeOnly))
	time.Sleep(3 * time.Minute) // the consumer is busy; ticks pile up
	cancel()
	synctest.Wait() // every goroutine in the bubble is now blocked or gone
	fmt.Println("after cancel, goroutines left:", runtime.NumGoroutine()-base)
	for range stream { // only draining the channel lets it see ctx and end
	}
	synctest.Wait()
	fmt.Println("after draining, goroutines left:", runtime.NumGoroutine()-base)
}
