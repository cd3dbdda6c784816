// Steps 4 and 5 with errgroup: one lower worker, two
// title workers, 3 s per word; "foo" fails the title
// stage, and the group's context stops the others.
package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// stage runs n workers over in; out closes after the
// last worker returns.
func stage(ctx context.Context, g *group, n int,
	in <-chan string,
	fn func(string) (string, error)) <-chan string {
	out := make(chan string)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			for w := range in {
				select {
				case <-time.After(3 * time.Second):
				case <-ctx.Done():
					return ctx.Err()
				}
				r, err := fn(w)
				if err != nil {
					return err // cancels ctx
				}
				select {
				case out <- r:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}
	go func() { wg.Wait(); close(out) }()
	return out
}

func lower(s string) (string, error) {
	return strings.ToLower(s), nil
}

func titleOrFail(s string) (string, error) {
	if s == "foo" {
		return "", errors.New("oh no")
	}
	return strings.ToUpper(s[:1]) + s[1:], nil
}

func main() {
	t0 := time.Now()
	g, ctx := withContext(context.Background())
	src := make(chan string)
	go func() {
		defer close(src)
		words := []string{"BAR", "FOO", "BAX", "QUX"}
		for _, w := range words {
			select {
			case src <- w:
			case <-ctx.Done():
				return
			}
		}
	}()
	lowered := stage(ctx, g, 1, src, lower)
	out := stage(ctx, g, 2, lowered, titleOrFail)
	for w := range out {
		fmt.Println("sink got", w, "at", time.Since(t0))
	}
	err := g.Wait()
	fmt.Printf("Wait: %q at %v\n", err, time.Since(t0))
}
