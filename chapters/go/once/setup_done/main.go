// Erratum: a flag as plain bool. Nothing orders
// setup's two writes before main's two reads.
package main

import (
	"fmt"
	"runtime"
)

var greeting string
var ready bool

func setup() {
	greeting = "hello, world"
	ready = true
}

func main() {
	go setup()
	for !ready {
		runtime.Gosched()
	}
	fmt.Printf("greeting is %q\n", greeting)
}
