// Command nilderef reads through a nil pointer. The CPU faults, the kernel
// sends SIGSEGV, and Go's signal handler turns the signal into a panic.
package main

import "fmt"

type config struct{ port int }

//go:noinline
func port(c *config) int { return c.port }

func main() {
	fmt.Println("port", port(&config{port: 8080}))
	fmt.Println("port", port(nil))
}
