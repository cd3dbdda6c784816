// strings.ToTitle maps every letter to title case,
// which for ASCII letters is upper case.
package main

import (
	"fmt"
	"strings"
)

func main() {
	fmt.Println(strings.ToTitle("foo"))
	s := "foo" // ASCII only: upper-case the first byte
	fmt.Println(strings.ToUpper(s[:1]) + s[1:])
}
