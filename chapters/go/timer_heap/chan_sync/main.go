// The same calls on Go 1.23's synchronous timer channel.
package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.NewTimer(time.Millisecond)
	time.Sleep(2 * time.Millisecond) // it is due
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
