// Command server handles each request in a goroutine of its own, and each of
// those goroutines recovers its own panic: the only way to keep one bad
// request from ending the whole server.
package main

import (
	"fmt"
	"slices"
	"sync"
)

func handle(req int) string {
	if req == 3 {
		var m map[string]int
		m["hits"]++ // a nil map: this panics
	}
	return fmt.Sprintf("request %d: ok", req)
}

// goSafe is what every `go` statement of a server needs.
func goSafe(wg *sync.WaitGroup, out chan<- string, req int) {
	wg.Go(func() {
		defer func() {
			if r := recover(); r != nil {
				out <- fmt.Sprintf("request %d: recovered %v", req, r)
			}
		}()
		out <- handle(req)
	})
}

func main() {
	out := make(chan string, 5)
	var wg sync.WaitGroup
	for req := 1; req <= 5; req++ {
		goSafe(&wg, out, req)
	}
	wg.Wait()
	close(out)
	var lines []string
	for line := range out {
		lines = append(lines, line)
	}
	slices.Sort(lines)
	for _, line := range lines {
		fmt.Println(line)
	}
}
