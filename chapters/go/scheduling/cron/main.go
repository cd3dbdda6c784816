// cron, corrected: roll a past start forward, fire
// at the start, then every delay. Every send also
// listens to ctx, so the goroutine cannot leak.
package main

import (
	"context"
	"fmt"
	"time"
)

type Time = time.Time
type Duration = time.Duration

// rollForward: the first start + k*delay not before
// now (a ceiling: a start k delays ago fires now).
func rollForward(start Time, delay Duration) Time {
	if now := time.Now(); start.Before(now) {
		k := (now.Sub(start) + delay - 1) / delay
		start = start.Add(k * delay)
	}
	return start
}

func cron(ctx context.Context, start Time,
	delay Duration) <-chan Time {
	stream := make(chan Time, 1)
	start = rollForward(start, delay)
	go func() {
		defer close(stream)
		wait := time.After(time.Until(start))
		var tick <-chan Time // nil until started
		for {
			select {
			case t := <-wait:
				ticker := time.NewTicker(delay)
				defer ticker.Stop()
				tick = ticker.C
				wait = nil
				stream <- t // buffered: room for one
			case t := <-tick:
				select {
				case stream <- t:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return stream
}

func show(name string, start Time, d Duration) {
	ctx, cancel := context.WithCancel(
		context.Background())
	defer cancel()
	fmt.Println(name)
	n := 0
	for t := range cron(ctx, start, d) {
		fmt.Println("  ", t.UTC().Format(
			"Mon 2006-01-02 15:04"))
		if n++; n == 3 {
			break
		}
	}
}

func main() {
	// The bubble starts on Sat 2000-01-01 00:00 UTC;
	// 1999-12-28 was a Tuesday.
	tuesday := time.Date(
		1999, 12, 28, 14, 0, 0, 0, time.UTC)
	week := 7 * 24 * time.Hour
	show("Tuesdays at 14:00:", tuesday, week)
	show("every hour on the hour:",
		tuesday, time.Hour)
	show("every 10 minutes, starting in a week:",
		time.Now().AddDate(0, 0, 7), 10*time.Minute)
}
