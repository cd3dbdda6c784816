// The notes' first way as the article writes it: a buffered channel bounds
// the goroutines, but nothing waits for them. A Go program ends when main
// returns, whatever its goroutines are doing; os.Exit does that here, since
// a synctest bubble would otherwise wait for (and then refuse) the leftovers.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"testing/synctest"
	"time"
)

func main() {
	const tasks, limit = 10, 3
	start, base := time.Now(), runtime.NumGoroutine()
	slots := make(chan struct{}, limit)
	var done atomic.Int64
	for range tasks {
		slots <- struct{}{}
		go func() {
			time.Sleep(time.Second)
			done.Add(1)
			<-slots
		}()
	}
	synctest.Wait() // every goroutine blocked or gone: a fixed point
	fmt.Printf("main returns after %v: %d of %d tasks done,"+
		" %d still running\n", time.Since(start), done.Load(), tasks,
		runtime.NumGoroutine()-base)
	os.Exit(0)
}
