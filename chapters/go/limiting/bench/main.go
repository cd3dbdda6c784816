// The Go peer of the limiting benchmark, on the real clock: tasks/s of each
// way of running -tasks tasks (each one runtime.Gosched, the counterpart of
// trio's zero-length checkpoint), -limit at a time, and the bytes of memory
// (stack and heap in use) per goroutine parked on a channel.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
)

func unbounded(tasks, _ int) {
	var wg sync.WaitGroup
	for range tasks {
		wg.Go(runtime.Gosched)
	}
	wg.Wait()
}

func channel(tasks, limit int) { // the notes' second way
	slots := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for range tasks {
		slots <- struct{}{}
		wg.Go(func() {
			runtime.Gosched()
			<-slots
		})
	}
	wg.Wait()
}

func workers(tasks, limit int) { // the notes' third way
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range limit {
		wg.Go(func() {
			for range jobs {
				runtime.Gosched()
			}
		})
	}
	for t := range tasks {
		jobs <- t
	}
	close(jobs)
	wg.Wait()
}

func inUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.StackInuse + m.HeapInuse
}

func parkedBytes(n int) float64 {
	runtime.GC()
	before, release := inUse(), make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { <-release })
	}
	after := inUse()
	close(release)
	wg.Wait()
	return float64(after-before) / float64(n)
}

func main() {
	tasks := flag.Int("tasks", 100_000, "tasks per round")
	limit := flag.Int("limit", 64, "tasks at a time")
	rounds := flag.Int("rounds", 5, "rounds; the median is printed")
	flag.Parse()
	for _, way := range []struct {
		name string
		run  func(int, int)
	}{{"unbounded", unbounded}, {"channel", channel}, {"workers", workers}} {
		times := make([]float64, *rounds)
		for r := range times {
			start := time.Now()
			way.run(*tasks, *limit)
			times[r] = time.Since(start).Seconds()
		}
		slices.Sort(times)
		fmt.Printf("%s tasks/s %.0f\n", way.name,
			float64(*tasks)/times[len(times)/2])
	}
	fmt.Printf("parked bytes/goroutine %.0f\n", parkedBytes(*tasks))
}
