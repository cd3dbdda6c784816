//go:build erratum

// An int added to an int64: Go has no implicit
// numeric conversions.
package main

import "fmt"

func main() {
	var n int = 1
	var m int64 = 2
	fmt.Println(n + m)
}
