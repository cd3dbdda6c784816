//go:build erratum

// The second := declares nothing new: err already exists in this scope.
package main

import (
	"io"
	"os"
)

func main() {
	f, err := os.Open("data.bin")
	buf := make([]byte, 4096)
	_, err := io.ReadFull(f, buf)
}
