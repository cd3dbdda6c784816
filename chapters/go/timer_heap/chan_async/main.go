// A channel timer as Go 1.14 to 1.22 made it: C has a
// buffer of one, so a value sent on firing waits there.

//go:debug asynctimerchan=1
package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.NewTimer(time.Millisecond)
	for len(t.C) == 0 { // until it has fired
		time.Sleep(time.Millisecond)
	}
	fmt.Println("cap(C):       ", cap(t.C))
	fmt.Println("Stop, due:    ", t.Stop())
	fmt.Println("Reset(1h):    ", t.Reset(time.Hour))
	select {
	case <-t.C:
		fmt.Println("receive: a stale value")
	default:
		fmt.Println("receive: nothing yet")
	}
	fmt.Println("Stop, pending:", t.Stop())
}
