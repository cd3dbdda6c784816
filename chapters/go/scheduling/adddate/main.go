//go:build erratum

// AddDate returns one value: it cannot be unpacked
// into a time and an error.
package main

import (
	"fmt"
	"time"
)

func main() {
	t := time.Now()
	s, err := t.AddDate(0, 0, 7)
	fmt.Println(s, err)
}
