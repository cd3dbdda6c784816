// waitUntil: a timer for the wait, and a select that also listens to ctx.
package main

import (
	"context"
	"fmt"
	"time"
)

// waitUntil returns when until arrives or ctx is done, whichever is first.
func waitUntil(ctx context.Context, until time.Time) error {
	timer := time.NewTimer(time.Until(until))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func main() {
	start := time.Now()
	until := start.Add(90 * time.Minute)

	err := waitUntil(context.Background(), until)
	fmt.Println("no cancel: woke at", time.Now().UTC().Format(time.TimeOnly), err)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	err = waitUntil(ctx, until.Add(90*time.Minute))
	fmt.Println("cancelled: woke at", time.Now().UTC().Format(time.TimeOnly), err)
}
