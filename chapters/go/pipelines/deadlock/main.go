// Step 1 as first written: the producer sends on an
// unbuffered channel before anyone receives.
package main

import "fmt"

func producer(words []string) <-chan string {
	out := make(chan string)
	for _, w := range words {
		out <- w // waits for a receiver: none yet
	}
	return out
}

func main() {
	words := []string{"FOO", "BAR", "BAX"}
	for w := range producer(words) {
		fmt.Println("sink got", w)
	}
}
