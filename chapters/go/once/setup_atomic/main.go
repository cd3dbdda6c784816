// The fix: an atomic flag. Store happens before
// the Load that sees it, and so does every write
// setup made before the Store.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

var greeting string
var ready atomic.Bool

func setup() {
	greeting = "hello, world"
	ready.Store(true)
}

func main() {
	go setup()
	for !ready.Load() {
		runtime.Gosched()
	}
	fmt.Printf("greeting is %q\n", greeting)
}
