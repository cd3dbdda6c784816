// A zero start time (time.Time{}) is "long ago": time.Until is hugely
// negative, so the first event fires at once instead of meaning "no start".
package main

import (
	"fmt"
	"time"
)

func main() {
	begin := time.Now()
	var start time.Time
	fmt.Println("start.IsZero():", start.IsZero())
	fmt.Println("time.Until(start):", time.Until(start))
	<-time.After(time.Until(start))
	fmt.Println("first event after", time.Since(begin))
}
