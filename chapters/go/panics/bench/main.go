// Command bench times a panic raised DEPTH calls deep and recovered at the
// top, for `book bench panics`: one line per depth, the median ns per
// panic/recover over ROUNDS rounds of N operations.
package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"
)

var sink int

//go:noinline
func dive(depth int) int {
	if depth == 0 {
		panic("bottom")
	}
	return dive(depth-1) + 1
}

func once(depth int) (ok bool) {
	defer func() { ok = recover() != nil }()
	sink = dive(depth - 1)
	return false
}

func main() {
	if len(os.Args) < 4 {
		fmt.Println("usage: bench N ROUNDS DEPTH...")
		os.Exit(2)
	}
	n, _ := strconv.Atoi(os.Args[1])
	rounds, _ := strconv.Atoi(os.Args[2])
	for _, arg := range os.Args[3:] {
		depth, _ := strconv.Atoi(arg)
		if !once(depth) {
			panic("the panic was not recovered")
		}
		times := make([]float64, rounds)
		for r := range times {
			start := time.Now()
			for range n {
				once(depth)
			}
			times[r] = float64(time.Since(start).Nanoseconds()) / float64(n)
		}
		slices.Sort(times)
		fmt.Printf("depth %d ns/op %.1f\n", depth, times[rounds/2])
	}
}
