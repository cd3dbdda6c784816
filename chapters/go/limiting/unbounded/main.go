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
	fmt.Printf("%6d tasks: %6d alive, %.0f KiB each,"+
		" %v\n", tasks, alive, each/1024,
		time.Since(start))
}

func main() {
	for _, n := range []int{1_000, 10_000} {
		spawnAll(n)
	}
}
