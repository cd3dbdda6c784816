// break inside a select leaves the select, not the
// loop around it; a labelled break leaves the loop.
package main

import (
	"context"
	"fmt"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	started := 0
	for range 3 {
		select {
		case <-ctx.Done():
			break // leaves only the select
		default:
		}
		started++ // the next item starts anyway
	}
	fmt.Println("break:        started", started, "of 3")

	started = 0
loop:
	for range 3 {
		select {
		case <-ctx.Done():
			break loop
		default:
		}
		started++
	}
	fmt.Println("break loop:   started", started, "of 3")
}
