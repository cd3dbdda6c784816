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
	line := fmt.Sprintf(format, a...)
	fmt.Printf("[%7.3fs] %s\n", at, line)
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
	words := []string{"FOO", "BAR", "BAX"}
	for w := range producer(words) {
		logf("sink got %s", w)
		time.Sleep(time.Second) // handling a word
	}
	logf("range ended: the producer closed")
}
