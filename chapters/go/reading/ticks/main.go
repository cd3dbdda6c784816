// Three workers sleep different lengths; main collects what they report.
package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	var (
		mu   sync.Mutex
		done []string
		wg   sync.WaitGroup
	)
	for i, d := range []time.Duration{3, 1, 2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(d * time.Second)
			mu.Lock()
			defer mu.Unlock()
			done = append(done, fmt.Sprintf("worker %d woke at %v", i, time.Since(start)))
		}()
	}
	wg.Wait()
	sort.Strings(done) // the order goroutines finish in is the scheduler's: print it sorted
	for _, line := range done {
		fmt.Println(line)
	}
	fmt.Println("now:", time.Now().UTC().Format(time.RFC3339))
}
