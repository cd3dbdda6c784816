// time.Tick: ticks forever, with no way to stop
// them and no start time.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	n := 0
	for t := range time.Tick(5 * time.Second) {
		fmt.Println("tick at", t.Sub(start))
		if n++; n == 3 {
			break // the ticker keeps running
		}
	}
}
