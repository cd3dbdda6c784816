// The notes' step-2 sink: select on ctx.Done() and
// val, ok := <-in, using val without checking ok.
// A closed channel hands out "" at once, forever.
package main

import (
	"context"
	"fmt"
	"time"
)

// sink counts words and empty receives; it stops
// after limit receives, so that this program ends.
func sink(ctx context.Context, in <-chan string,
	limit int) (words, empty int) {
	for words+empty < limit {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-in: // the notes log val here
			if ok {
				words++
			} else {
				empty++
			}
		}
	}
	return
}

// run feeds three words, sleeping pause before each,
// under a context that times out after 5 s.
func run(pause time.Duration) {
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(
		context.Background(), 5*time.Second)
	in := make(chan string)
	words := []string{"foo", "bar", "bax"}
	go func() {
		defer close(in)
		for _, w := range words {
			time.Sleep(pause)
			select {
			case <-ctx.Done():
				return
			default:
				in <- w // the notes' send, in default:
			}
		}
	}()
	got, empty := sink(ctx, in, 1000)
	fmt.Printf("pause %v: %d words, %d empty"+
		" receives\n", pause, got, empty)
	fmt.Printf("  then at %v ctx.Err() = %v\n",
		time.Since(t0), ctx.Err())
	cancel()
	time.Sleep(3 * time.Second) // let the producer end
}

func main() {
	run(3 * time.Second) // the notes' timing
	run(0)               // closes at 0 s
}
