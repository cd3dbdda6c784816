// Step 1 fixed: the producer sends from a goroutine
// of its own and closes the channel after its last
// send; the sink takes a second per word.
package main

import (
	"fmt"
	"time"
)

var t0 time.Time // set in main, inside the bubble

func logf(format string, a ...any) {
	at := time.Since(t0).Seconds()
	fmt.Printf("[%7.3fs] %s\n", at, fmt.Sprintf(format, a...))
}

func producer(words []string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out) // the sender closes
		for _, w := range words {
			out <- w
		}
	}()
	return out
}

func main() {
	t0 = time.Now()
	for w := range producer([]string{"FOO", "BAR", "BAX"}) {
		logf("sink got %s", w)
		time.Sleep(time.Second) // handling a word
	}
	logf("range ended: the producer closed")
}
