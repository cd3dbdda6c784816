package main

import (
	"sync"
	"sync/atomic"
)

// Job is one payload, already in its stored (canonical) form.
type Job struct{ Payload []byte }

// Worker is the article's worker: it puts its own job channel
// into the pool when idle and uploads what it is handed.
type Worker struct {
	pool chan chan Job
	jobs chan Job
	quit chan struct{}
}

func (w Worker) start(d *Dispatcher) {
	go func() {
		defer d.done.Done()
		for {
			w.pool <- w.jobs // idle: ready for one job
			select {
			case job := <-w.jobs:
				d.upload(job)
			case <-w.quit: // only when idle: nothing is dropped
				return
			}
		}
	}()
}

// Dispatcher is the article's dispatcher, corrected:
//   - MAX_WORKERS and MAX_QUEUE are ints, checked at start;
//   - one dispatching goroutine, not one goroutine per job;
//   - a request is admitted whole or not at all, and the
//     room counts idle workers as well as free queue slots;
//   - Close never races a send: no "send on closed channel"
//     even when Shutdown times out with handlers running.
type Dispatcher struct {
	store    *Store
	pool     chan chan Job
	queue    chan Job
	workers  []Worker
	capacity int
	done     sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	inflight atomic.Int64 // admitted, not yet stored

	accepted, shed, stored, failed atomic.Int64
}

func NewDispatcher(store *Store, maxWorkers, maxQueue int) *Dispatcher {
	d := &Dispatcher{
		store:    store,
		pool:     make(chan chan Job, maxWorkers),
		capacity: maxQueue + maxWorkers,
	}
	// Room for every admitted job: a send never blocks.
	d.queue = make(chan Job, d.capacity)
	for range maxWorkers {
		w := Worker{d.pool, make(chan Job), make(chan struct{})}
		d.workers = append(d.workers, w)
		d.done.Add(1)
		w.start(d)
	}
	go d.dispatch()
	return d
}

func (d *Dispatcher) dispatch() {
	for job := range d.queue {
		jobs := <-d.pool // the longest-idle worker
		jobs <- job
	}
	for _, w := range d.workers { // queue empty and closed
		close(w.quit)
	}
}

// Room is how many payloads Submit would admit now:
// free queue slots plus idle workers.
func (d *Dispatcher) Room() int {
	return d.capacity - int(d.inflight.Load())
}

// Submit admits all of jobs or none of them.
func (d *Dispatcher) Submit(jobs []Job) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := int64(len(jobs))
	if d.closed || d.inflight.Load()+n > int64(d.capacity) {
		d.shed.Add(n)
		return false
	}
	d.inflight.Add(n)
	for _, job := range jobs {
		d.queue <- job
	}
	d.accepted.Add(n)
	return true
}

func (d *Dispatcher) upload(job Job) {
	if err := d.store.Put(job.Payload); err != nil {
		d.failed.Add(1)
	} else {
		d.stored.Add(1)
	}
	d.inflight.Add(-1)
}

// Close stops admitting, then waits until every admitted
// job is stored and every worker has quit.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	d.closed = true
	close(d.queue)
	d.mu.Unlock()
	d.done.Wait()
}
