// The Go peer of the Measured section: a source, three
// stages (x+1, x*2, x-3) and a sink, each a goroutine,
// joined by channels with 100-slot buffers. It checks
// the sum, then prints the median items/s of -rounds.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"
)

func step(in <-chan int, fn func(int) int,
	buffer int) <-chan int {
	out := make(chan int, buffer)
	go func() {
		defer close(out)
		for x := range in {
			out <- fn(x)
		}
	}()
	return out
}

func pipeline(n, buffer int) int {
	src := make(chan int, buffer)
	go func() {
		defer close(src)
		for i := range n {
			src <- i
		}
	}()
	c := step(src, func(x int) int { return x + 1 }, buffer)
	c = step(c, func(x int) int { return x * 2 }, buffer)
	c = step(c, func(x int) int { return x - 3 }, buffer)
	sum := 0
	for x := range c {
		sum += x
	}
	return sum
}

func main() {
	n := flag.Int("n", 200_000, "items")
	buffer := flag.Int("buffer", 100, "slots per channel")
	rounds := flag.Int("rounds", 5, "timed rounds")
	flag.Parse()
	want := 0
	for i := range *n {
		want += (i+1)*2 - 3
	}
	if got := pipeline(*n, *buffer); got != want {
		fmt.Println("wrong sum:", got, "want", want)
		os.Exit(1)
	}
	rates := make([]float64, *rounds)
	for r := range rates {
		start := time.Now()
		pipeline(*n, *buffer)
		rates[r] = float64(*n) / time.Since(start).Seconds()
	}
	slices.Sort(rates)
	fmt.Printf("GOMAXPROCS=%d items=%d buffer=%d sum ok\n",
		runtime.GOMAXPROCS(0), *n, *buffer)
	fmt.Printf("items/s %.0f (median of %d rounds)\n",
		rates[len(rates)/2], *rounds)
}
