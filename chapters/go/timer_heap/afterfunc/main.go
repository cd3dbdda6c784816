// What Stop and Reset report for an AfterFunc timer.
package main

import (
	"fmt"
	"time"
)

func main() {
	const ms = time.Millisecond
	fired := make(chan struct{})
	t := time.AfterFunc(time.Hour, func() {
		fired <- struct{}{}
	})
	fmt.Println("Stop, pending: ", t.Stop())
	fmt.Println("Stop, stopped: ", t.Stop())
	// a stopped timer is Reset: it is scheduled again
	fmt.Println("Reset, stopped:", t.Reset(ms))
	<-fired
	fmt.Println("fired")
	fmt.Println("Stop, fired:   ", t.Stop())
	fmt.Println("Reset, fired:  ", t.Reset(time.Hour))
	fmt.Println("Reset, pending:", t.Reset(ms))
	<-fired
	fmt.Println("fired")
}
