// An idle timeout that is Reset on every event, safe on
// every Go release: drain a fired, unread tick first.
package main

import (
	"fmt"
	"time"
)

func main() {
	events := make(chan int)
	go func() {
		for i := 0; i < 3; i++ {
			events <- i
		}
	}()
	const idle = 50 * time.Millisecond
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for {
		select {
		case e := <-events:
			fmt.Println("event", e)
			if !timer.Stop() { // fired, unread
				<-timer.C // (needed before Go 1.23)
			}
			timer.Reset(idle)
		case <-timer.C:
			fmt.Println("idle: done")
			return
		}
	}
}
