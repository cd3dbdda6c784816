// Step 7 corrected: one goroutine per item, at most
// two alive (setLimit), 3 s per item. Wait returns
// after every goroutine has finished, so closing out
// after it is safe.
package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	t0 := time.Now()
	words := []string{
		"ONE", "TWO", "SIX", "TEN", "ADD", "MIX"}
	g, ctx := withContext(context.Background())
	g.setLimit(2)
	out := make(chan string, len(words))
	var mu sync.Mutex
	alive, most := 0, 0
	for _, w := range words {
		g.Go(func() error { // blocks while 2 run
			mu.Lock()
			alive++
			most = max(most, alive)
			mu.Unlock()
			defer func() {
				mu.Lock()
				alive--
				mu.Unlock()
			}()
			select {
			case <-time.After(3 * time.Second):
			case <-ctx.Done():
				return ctx.Err()
			}
			out <- w[:1] + strings.ToLower(w[1:])
			return nil
		})
	}
	err := g.Wait() // the nursery's join, in Go
	close(out)
	var got []string
	for w := range out {
		got = append(got, w)
	}
	slices.Sort(got)
	fmt.Println("results:", got, "at", time.Since(t0))
	fmt.Println("Wait returned", err)
	fmt.Println("at most", most, "alive at once")
}
