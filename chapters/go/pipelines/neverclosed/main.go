// The goroutine fix without the close: range waits
// for a fourth word that never comes.
package main

import "fmt"

func producer(words []string) <-chan string {
	out := make(chan string)
	go func() {
		for _, w := range words {
			out <- w
		} // no close(out)
	}()
	return out
}

func main() {
	words := []string{"FOO", "BAR", "BAX"}
	for w := range producer(words) {
		fmt.Println("sink got", w)
	}
}
