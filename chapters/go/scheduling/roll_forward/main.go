// Rolling a past start forward: the notes' arithmetic beside a ceiling.
package main

import (
	"fmt"
	"time"
)

// notes rolls start forward as the notes do: (diff - delay) / delay periods.
func notes(start time.Time, delay time.Duration) time.Time {
	if diff := time.Until(start); diff < 0 {
		total := diff - delay
		times := total / delay * -1
		start = start.Add(times * delay)
	}
	return start
}

// ceiling rolls start forward to the first start + k*delay not before now.
func ceiling(start time.Time, delay time.Duration) time.Time {
	if now := time.Now(); start.Before(now) {
		k := (now.Sub(start) + delay - 1) / delay
		start = start.Add(k * delay)
	}
	return start
}

func main() {
	now := time.Now()
	fmt.Println("start (period 1h)     notes  ceiling")
	for _, ago := range []time.Duration{3 * time.Hour, 150 * time.Minute, -2 * time.Hour} {
		start := now.Add(-ago)
		fmt.Printf("%-20s  %s  %s\n", fmt.Sprint(-ago, " from now"),
			notes(start, time.Hour).Format("15:04"), ceiling(start, time.Hour).Format("15:04"))
	}
}
