// Go's largest ticker period, then Ticker.Reset.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	t := time.NewTicker(time.Duration(1<<63 - 1))
	fmt.Println("NewTicker(maxDuration): accepted")
	t.Reset(10 * time.Millisecond)
	for i := 0; i < 5; i++ {
		<-t.C
		fmt.Println("tick at", time.Since(start))
		if i == 2 {
			t.Reset(25 * time.Millisecond)
		}
	}
	t.Stop()
}
