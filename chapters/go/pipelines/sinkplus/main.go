//go:build erratum

// The notes' step-2 sink, with the debug line pasted
// together with its diff marker: + log.Print(val).
package main

import "log"

func main() {
	values := make(chan string)
	close(values)
	for val := range values {
		+log.Print(val) // for debug
	}
}
