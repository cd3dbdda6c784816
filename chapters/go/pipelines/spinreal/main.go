// The spinning sink on the real clock: the channel is
// closed at once, the context times out after 50 ms.
// Go's timer fires while the sink spins, and the sink
// returns on ctx.Done().
package main

import (
	"context"
	"fmt"
	"time"
)

// sink is the notes' loop, counting the empty values
// it would log.
func sink(ctx context.Context, in <-chan string) int {
	empty := 0
	for {
		select {
		case <-ctx.Done():
			return empty
		case _, ok := <-in:
			if !ok {
				empty++
			}
		}
	}
}

func main() {
	// start first: the deadline is then 50 ms
	// or more after it (timers never fire early)
	start := time.Now()
	ctx, cancel := context.WithTimeout(
		context.Background(), 50*time.Millisecond)
	defer cancel()
	in := make(chan string)
	close(in)
	empty := sink(ctx, in)
	spun := time.Since(start)
	fmt.Println("ctx.Err():", ctx.Err())
	fmt.Println("spun at least 50 ms:",
		spun >= 50*time.Millisecond)
	fmt.Println("more than 1000 empty receives:",
		empty > 1000)
}
