// Command goroutine shows that a panic in any goroutine ends the process:
// main's deferred recover never sees it, and main's deferred print never runs.
package main

import (
	"fmt"
	"sync"
)

func main() {
	defer func() { fmt.Println("main recovered:", recover()) }()
	var wg sync.WaitGroup
	for id := 1; id <= 3; id++ {
		wg.Go(func() {
			if id == 2 {
				panic(fmt.Sprintf("worker %d failed", id))
			}
		})
	}
	wg.Wait()
	fmt.Println("all workers done")
}
