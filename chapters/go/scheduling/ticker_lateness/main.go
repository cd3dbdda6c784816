// How late a real time.Ticker's ticks arrive: one lateness (seconds) per tick.
// Usage: ticker_lateness PERIOD TICKS, e.g. ticker_lateness 10ms 1000.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: ticker_lateness PERIOD TICKS")
		os.Exit(2)
	}
	period, err := time.ParseDuration(os.Args[1])
	if err != nil || period <= 0 {
		fmt.Fprintln(os.Stderr, "bad PERIOD:", os.Args[1])
		os.Exit(2)
	}
	ticks, err := strconv.Atoi(os.Args[2])
	if err != nil || ticks <= 0 {
		fmt.Fprintln(os.Stderr, "TICKS must be a positive integer:", os.Args[2])
		os.Exit(2)
	}
	start := time.Now()
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	for range ticks {
		t := <-ticker.C
		// The tick's own time says which tick it is: a ticker drops the
		// ticks a slow reader misses, so counting receives would drift.
		k := (t.Sub(start) + period/2) / period
		fmt.Println(time.Since(start.Add(k * period)).Seconds())
	}
}
