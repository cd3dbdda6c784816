//go:build erratum

// AddDate returns one value, so it cannot be unpacked into a time and an error.
package main

import (
	"fmt"
	"time"
)

func main() {
	start, err := time.Now().AddDate(0, 0, 7)
	fmt.Println(start, err)
}
