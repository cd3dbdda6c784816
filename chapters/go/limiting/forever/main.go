// The notes' loop runs to math.MaxInt64 tasks. At three one-second tasks a
// second it never ends, so the wg.Wait() after it is never reached. An alarm
// an hour (and half a second) into virtual time reports how far it got.
package main

import (
	"fmt"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	var wg sync.WaitGroup
	var sent, done atomic.Int64
	jobs := make(chan int)
	for range 3 {
		go func() {
			for range jobs {
				time.Sleep(time.Second)
				done.Add(1)
				wg.Done()
			}
		}()
	}
	time.AfterFunc(time.Hour+time.Second/2, func() {
		fmt.Printf("after 1h: %d tasks done, %d sent of %d\n",
			done.Load(), sent.Load(), math.MaxInt64)
		fmt.Println("wg.Wait() reached: no")
		os.Exit(3)
	})
	for t := 0; t < math.MaxInt64; t++ {
		wg.Add(1)
		jobs <- t
		sent.Add(1)
	}
	wg.Wait()
	fmt.Println("wg.Wait() reached: yes")
}
