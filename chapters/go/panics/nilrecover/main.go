// Command nilrecover recovers the panic a nil dereference becomes, and goes
// on: the SIGSEGV is an ordinary runtime.Error by the time recover sees it.
package main

import (
	"errors"
	"fmt"
	"runtime"
)

type config struct{ port int }

//go:noinline
func port(c *config) int { return c.port }

func safePort(c *config) (p int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("port: %v", r)
		}
	}()
	return port(c), nil
}

func main() {
	for _, c := range []*config{{port: 8080}, nil, {port: 9090}} {
		p, err := safePort(c)
		var re runtime.Error
		fmt.Println(p, err, "| runtime.Error:", errors.As(err, &re))
	}
}
