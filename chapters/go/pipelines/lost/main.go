// Two goroutines fail at the same instant. Wait keeps
// the first error only; a zero group cancels nothing.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func fail(name string) func() error {
	return func() error {
		time.Sleep(6 * time.Second)
		return errors.New(name + " failed")
	}
}

func main() {
	g, ctx := withContext(context.Background())
	g.Go(fail("title-1"))
	g.Go(fail("title-2"))
	err := g.Wait()
	fmt.Println("2 failed; Wait returned 1 error:",
		err != nil && !errors.Is(err, context.Canceled))
	fmt.Println("ctx cancelled:", ctx.Err() != nil)

	t1 := time.Now()
	var plain group // errgroup.Group{}: no context
	plain.Go(fail("first"))
	plain.Go(func() error {
		time.Sleep(10 * time.Second) // nobody stops it
		return nil
	})
	err = plain.Wait()
	fmt.Printf("plain group: Wait returned %q at %v\n",
		err, time.Since(t1))
}
