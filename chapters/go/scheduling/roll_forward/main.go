// Rolling a past start forward: the notes'
// arithmetic beside a ceiling.
package main

import (
	"fmt"
	"time"
)

// notes rolls start forward as the notes do.
func notes(start time.Time, d time.Duration) string {
	if diff := time.Until(start); diff < 0 {
		total := diff - d
		times := total / d * -1
		start = start.Add(times * d)
	}
	return start.Format("15:04")
}

// ceiling: the first start + k*d not before now.
func ceiling(start time.Time, d time.Duration) string {
	if now := time.Now(); start.Before(now) {
		k := (now.Sub(start) + d - 1) / d
		start = start.Add(k * d)
	}
	return start.Format("15:04")
}

func main() {
	h := time.Hour
	fmt.Println("start (period 1h)  notes  ceiling")
	for _, ago := range []time.Duration{
		3 * h, 150 * time.Minute, -2 * h} {
		start := time.Now().Add(-ago)
		fmt.Printf("%-18s %s  %s\n",
			fmt.Sprint(-ago, " from now"),
			notes(start, h), ceiling(start, h))
	}
}
