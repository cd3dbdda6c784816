// cron, corrected: roll a past start forward, fire at the start, then every
// delay; every send also listens to ctx, so the goroutine cannot leak.
package main

import (
	"context"
	"fmt"
	"time"
)

func cron(ctx context.Context, start time.Time, delay time.Duration) <-chan time.Time {
	stream := make(chan time.Time, 1)
	if now := time.Now(); start.Before(now) {
		k := (now.Sub(start) + delay - 1) / delay // ceil: a start k delays ago fires now
		start = start.Add(k * delay)
	}
	go func() {
		defer close(stream)
		send := func(t time.Time) bool {
			select {
			case stream <- t:
				return true
			case <-ctx.Done():
				return false
			}
		}
		select {
		case t := <-time.After(time.Until(start)):
			if !send(t) {
				return
			}
		case <-ctx.Done():
			return
		}
		ticker := time.NewTicker(delay)
		defer ticker.Stop()
		for {
			select {
			case t := <-ticker.C:
				if !send(t) {
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return stream
}

func show(name string, start time.Time, delay time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fmt.Println(name)
	n := 0
	for t := range cron(ctx, start, delay) {
		fmt.Println("  ", t.UTC().Format("Mon 2006-01-02 15:04"))
		if n++; n == 3 {
			break
		}
	}
}

func main() {
	// The bubble starts at Sat 2000-01-01 00:00 UTC; 1999-12-28 was a Tuesday.
	tuesday := time.Date(1999, 12, 28, 14, 0, 0, 0, time.UTC)
	show("Tuesdays at 14:00:", tuesday, 7*24*time.Hour)
	show("every hour on the hour:", tuesday, time.Hour)
	show("every 10 minutes, starting in a week:", time.Now().AddDate(0, 0, 7), 10*time.Minute)
}
