// The notes' cron waits for its start with <-time.After(...), outside any
// select: a ctx cancelled before the start is noticed only at the start.
package main

import (
	"context"
	"fmt"
	"time"
)

func startThenTick(ctx context.Context, start time.Time) <-chan time.Time {
	stream := make(chan time.Time, 1)
	go func() {
		defer close(stream)
		t := <-time.After(time.Until(start)) // deaf to ctx while it waits
		select {
		case stream <- t:
		case <-ctx.Done():
		}
	}()
	return stream
}

func main() {
	begin := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	stream := startThenTick(ctx, begin.AddDate(0, 0, 7))
	<-ctx.Done()
	fmt.Println("ctx done after", time.Since(begin))
	for range stream {
	}
	fmt.Println("stream closed after", time.Since(begin))
}
