//go:build erratum

// os.OpenFile returns two values; one variable cannot take them.
package main

import (
	"os"
	"syscall"
)

func main() {
	f := os.OpenFile("data.bin", os.O_RDONLY|syscall.O_DIRECT, 0o600)
	_ = f
}
