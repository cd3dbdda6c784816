// Three 3-second sleeps inside a synctest bubble:
// virtual time, Go's counterpart of trio's MockClock.
package main

import (
	"fmt"
	"time"
)

func main() {
	t0 := time.Now()
	for step := range 3 {
		time.Sleep(3 * time.Second)
		at := time.Since(t0).Seconds()
		fmt.Printf("[%7.3fs] step %d done\n", at, step)
	}
	fmt.Println("finished at", time.Since(t0))
	now := time.Now().UTC()
	fmt.Println("clock:", now.Format(time.DateTime))
}
