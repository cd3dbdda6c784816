// Go's peer for `book bench once`: sync.Once.Do
// after done, timed with testing.Benchmark.
package main

import (
	"flag"
	"fmt"
	"sync"
	"testing"
)

func main() {
	timed := flag.Bool("time", false, "time Do")
	flag.Parse()
	var o sync.Once
	runs := 0
	for range 1000 {
		o.Do(func() { runs++ })
	}
	fmt.Println("1000 calls, f ran", runs, "time(s)")
	if !*timed {
		return
	}
	r := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			o.Do(func() { runs++ })
		}
	})
	fmt.Printf("ns/op %.3f (N=%d)\n",
		float64(r.T.Nanoseconds())/float64(r.N), r.N)
}
