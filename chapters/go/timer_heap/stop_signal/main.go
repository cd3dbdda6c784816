// Stop never wakes a goroutine blocked on C; a second
// channel, closed by the stopper, does.
package main

import (
	"fmt"
	"time"
)

func main() {
	timer := time.NewTimer(2 * time.Second)
	stopped := make(chan struct{})
	go func() {
		if timer.Stop() { // C will never receive now
			close(stopped)
		}
	}()
	select {
	case <-timer.C:
		fmt.Println("expired")
	case <-stopped:
		fmt.Println("stopped")
	}
}
