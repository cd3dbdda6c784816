// waitUntil: a timer, and a select that also
// listens to ctx.
package main

import (
	"context"
	"fmt"
	"time"
)

// waitUntil returns when t arrives or ctx is done,
// whichever comes first.
func waitUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func clock() string {
	return time.Now().UTC().Format(time.TimeOnly)
}

func main() {
	until := time.Now().Add(90 * time.Minute)
	err := waitUntil(context.Background(), until)
	fmt.Println("no cancel: woke at", clock(), err)

	ctx, cancel := context.WithTimeout(
		context.Background(), 30*time.Minute)
	defer cancel()
	err = waitUntil(ctx, until.Add(time.Hour))
	fmt.Println("cancelled: woke at", clock(), err)
}
