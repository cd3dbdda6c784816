//go:build erratum

// The notes' snippet starts at its first declaration: no package clause and
// no imports. With the clause added, Go names every package it cannot find.
package main

var wg = sync.WaitGroup{}

func main() {
	wg.Add(1)
	fmt.Println(runtime.NumGoroutine(), math.MaxInt64)
	wg.Done()
	wg.Wait()
}
