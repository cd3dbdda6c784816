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
			err = fmt.Errorf("port: %w", r.(error))
		}
	}()
	return port(c), nil
}

func main() {
	for _, c := range []*config{{port: 8080}, nil, {port: 9090}} {
		p, err := safePort(c)
		var re runtime.Error
		fmt.Println(p, "runtime.Error:", errors.As(err, &re))
		if err != nil {
			fmt.Println("  ", err)
		}
	}
}
