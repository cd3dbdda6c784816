package main

// group stands in for golang.org/x/sync/errgroup's
// Group (no module proxy here): Go starts f; Wait waits
// for every f and returns the first error. A zero group
// cancels nothing; withContext's ctx is cancelled by
// the first error, or when Wait returns.

import (
	"context"
	"sync"
)

type group struct {
	wg     sync.WaitGroup
	slots  chan struct{} // nil: no limit
	once   sync.Once
	err    error
	cancel context.CancelCauseFunc
}

func withContext(ctx context.Context) (*group,
	context.Context) {
	ctx, cancel := context.WithCancelCause(ctx)
	return &group{cancel: cancel}, ctx
}

// setLimit bounds the goroutines alive at once: Go
// blocks while n of them run.
func (g *group) setLimit(n int) {
	g.slots = make(chan struct{}, n)
}

func (g *group) Go(f func() error) {
	if g.slots != nil {
		g.slots <- struct{}{}
	}
	g.wg.Add(1)
	go func() {
		defer g.done()
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				if g.cancel != nil {
					g.cancel(err)
				}
			})
		}
	}()
}

func (g *group) done() {
	if g.slots != nil {
		<-g.slots
	}
	g.wg.Done()
}

func (g *group) Wait() error {
	g.wg.Wait()
	if g.cancel != nil {
		g.cancel(g.err)
	}
	return g.err
}
