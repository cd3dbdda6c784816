//go:build erratum

// The notes store math.MaxInt64 in an int. An int is 64 bits on amd64 and
// arm64, 32 bits on 386 and arm: built for GOARCH=386, the constant overflows.
package main

import (
	"fmt"
	"math"
)

func main() {
	tasks := math.MaxInt64
	fmt.Println(tasks)
}
