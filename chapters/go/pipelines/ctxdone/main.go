// Step 2 corrected: every wait is a select with
// ctx.Done(), the sends too. The context times out
// at 5 s; the sink works 3 s per word.
package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

var (
	t0    time.Time // set in main, inside the bubble
	mu    sync.Mutex
	lines []string
)

// logf records a stamped line. Lines of one instant
// come in the scheduler's order: main prints sorted.
func logf(format string, a ...any) {
	mu.Lock()
	defer mu.Unlock()
	at := time.Since(t0).Seconds()
	line := fmt.Sprintf(format, a...)
	line = fmt.Sprintf("[%7.3fs] %s", at, line)
	lines = append(lines, line)
}

func producer(ctx context.Context, out chan<- string) {
	defer close(out)
	for _, w := range []string{"FOO", "BAR", "BAX"} {
		logf("producer sends %s", w)
		select {
		case out <- w:
		case <-ctx.Done():
			logf("send %s: %v", w, ctx.Err())
			return
		}
	}
}

func sink(ctx context.Context, in <-chan string) {
	for w := range in {
		logf("sink got %s", w)
		select {
		case <-time.After(3 * time.Second): // the work
		case <-ctx.Done():
			logf("sink: %v in its work", ctx.Err())
			return
		}
	}
}

func main() {
	t0 = time.Now()
	ctx, cancel := context.WithTimeout(
		context.Background(), 5*time.Second)
	defer cancel()
	ch := make(chan string)
	var wg sync.WaitGroup
	wg.Go(func() { producer(ctx, ch) })
	sink(ctx, ch)
	wg.Wait()
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	at := time.Since(t0).Seconds()
	fmt.Printf("[%7.3fs] all goroutines returned\n", at)
}
