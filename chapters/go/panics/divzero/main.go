// Command divzero divides by zero: the compiler put a check before the
// division that calls runtime.panicdivide, and recover gets a runtime.Error.
package main

import (
	"fmt"
	"runtime"
)

//go:noinline
func divzero(a, b int) int {
	c := a / b
	return c
}

func main() {
	defer func() {
		r := recover()
		_, isRuntime := r.(runtime.Error)
		fmt.Println("recovered:", r)
		fmt.Println("a runtime.Error:", isRuntime)
	}()
	fmt.Println("7 / 2 =", divzero(7, 2))
	fmt.Println("7 / 0 =", divzero(7, 0))
}
