// A stand-in for golang.org/x/sync/semaphore.Weighted, standard library
// only: Acquire(ctx, n) waits for n units or for ctx, Release(n) gives them
// back, and waiters are served first come, first served, so a large request
// is not starved by small ones.
package main

import (
	"container/list"
	"context"
	"sync"
)

type Weighted struct {
	mu      sync.Mutex
	size    int64
	cur     int64
	waiters list.List // of waiter, oldest first
}

type waiter struct {
	n     int64
	ready chan struct{}
}

func NewWeighted(n int64) *Weighted { return &Weighted{size: n} }

func (s *Weighted) Acquire(ctx context.Context, n int64) error {
	s.mu.Lock()
	if s.size-s.cur >= n && s.waiters.Len() == 0 {
		s.cur += n
		s.mu.Unlock()
		return nil
	}
	w := waiter{n: n, ready: make(chan struct{})}
	elem := s.waiters.PushBack(w)
	s.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		select {
		case <-w.ready: // granted while we were cancelled: give it back
			s.cur -= n
			s.notify()
		default:
			front := s.waiters.Front() == elem
			s.waiters.Remove(elem)
			if front { // the next waiter may fit now
				s.notify()
			}
		}
		return ctx.Err()
	}
}

func (s *Weighted) Release(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur -= n; s.cur < 0 {
		panic("semaphore: released more than held")
	}
	s.notify()
}

// notify grants waiters in order while the oldest one fits.
func (s *Weighted) notify() {
	for e := s.waiters.Front(); e != nil; e = s.waiters.Front() {
		w := e.Value.(waiter)
		if s.size-s.cur < w.n {
			return
		}
		s.cur += w.n
		s.waiters.Remove(e)
		close(w.ready)
	}
}
