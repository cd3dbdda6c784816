// Command scenarios runs one defer/panic/recover scenario, named by its
// argument, in the main goroutine.
package main

import (
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
)

func lifo() {
	for i := 1; i <= 3; i++ {
		defer fmt.Println("deferred", i)
	}
	fmt.Println("returning")
}

func argsNow() {
	x := 1
	defer fmt.Println("deferred x =", x)
	x = 2
	fmt.Println("x =", x)
}

func unrecovered() {
	defer fmt.Println("deferred call runs")
	panic("boom")
}

func recovered() {
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		panic("boom")
	}()
	fmt.Println("caller goes on")
}

func noPanic() {
	defer func() { fmt.Println("deferred:", recover()) }()
	fmt.Println("outside:", recover())
}

func helper() { fmt.Println("helper:", recover()) }

func indirect() {
	defer func() { helper() }()
	panic("boom")
}

func deferRecover() {
	defer recover()
	panic("boom")
}

func nested() {
	defer func() { panic("second") }()
	panic("first")
}

func afterRecover() {
	defer func() { recover(); panic("second") }()
	panic("first")
}

func repanic() {
	defer func() { panic(recover()) }()
	panic("first")
}

func outer() {
	defer func() { fmt.Println("recovered:", recover()) }()
	func() {
		defer func() { panic("second") }()
		panic("first")
	}()
}

func parse(s string) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = -1, fmt.Errorf("parse %q: %v", s, r)
		}
	}()
	if s == "" {
		panic("empty input")
	}
	return len(s), nil
}

func named() {
	fmt.Println(parse("gopher"))
	fmt.Println(parse(""))
}

func goexit() {
	defer fmt.Println("deferred call runs")
	defer func() { fmt.Println("recover:", recover()) }()
	runtime.Goexit()
}

func goexitPanic() {
	defer func() { fmt.Println("recovered:", recover()) }()
	defer func() { panic("during Goexit") }()
	runtime.Goexit()
}

func panicNil() {
	defer func() {
		r := recover()
		fmt.Println("recovered:", r, "| is nil:", r == nil)
	}()
	panic(nil)
}

func errorValue() {
	panic(fmt.Errorf("open %s: %w", "book.toml", os.ErrNotExist))
}

var scenarios = map[string]func(){
	"lifo": lifo, "args_now": argsNow, "unrecovered": unrecovered,
	"recovered": recovered, "no_panic": noPanic, "indirect": indirect,
	"defer_recover": deferRecover, "nested": nested,
	"after_recover": afterRecover, "repanic": repanic, "outer": outer,
	"named": named, "goexit": goexit, "goexit_panic": goexitPanic,
	"panic_nil": panicNil, "error_value": errorValue,
}

func main() {
	f, ok := scenarios[""]
	if len(os.Args) == 2 {
		f, ok = scenarios[os.Args[1]]
	}
	if !ok {
		fmt.Println("usage: scenarios NAME; the names:")
		names := slices.Sorted(maps.Keys(scenarios))
		for i := 0; i < len(names); i += 6 {
			fmt.Println(" ", names[i:min(i+6, len(names))])
		}
		os.Exit(2)
	}
	f() // in the main goroutine: a Goexit here ends the program too
	fmt.Println("(main returned)")
}
