//go:build erratum

// The notes' first two versions, as written, live
// in package sync; anywhere else the names need
// their package.
package main

type Once struct {
	m    Mutex
	done int32
}

func (o *Once) Do(f func()) {
	if atomic.AddInt32(&o.done, 0) == 1 {
		return
	}
	o.m.Lock()
	defer o.m.Unlock()
	if o.done == 0 {
		f()
		atomic.CompareAndSwapInt32(&o.done, 0, 1)
	}
}

func main() {}
